/** Session requests of one socket: lobby, floor control, private talks, phases, chat, host notes. */
import { forbidden } from '../../errors.ts';
import { isStaffRole } from '../../auth/policy.ts';
import type { LiveSessions } from '../../sessions/liveSessions.ts';
import type { Db } from '../../store/database.ts';
import type { RequestHandlers } from '../requests.ts';
import type { YuntingSocket } from '../types.ts';
import type { MediaRequestHandlers } from './mediaHandlers.ts';

export type SessionRequestHandlers = Omit<RequestHandlers, keyof MediaRequestHandlers>;

export function sessionHandlers(socket: YuntingSocket, { sessions, db }: { sessions: LiveSessions; db: Db }): SessionRequestHandlers {
  const identity = socket.data.identity;
  const session = () => sessions.get(identity.roomId);
  const staffUserId = () => {
    if (!isStaffRole(identity.role)) throw forbidden('Notes are for the mediator or arbitrator');
    return identity.subject.replace(/^staff:/, '');
  };

  return {
    'session:admit': async ({ participantId }) => ((await (await session()).admit(identity, participantId)), {}),
    'session:verify': async ({ participantId }) => ((await (await session()).verify(identity, participantId)), {}),
    'session:reject': async ({ participantId }) => ((await (await session()).reject(identity, participantId)), {}),
    'session:remove': async ({ participantId }) => ((await (await session()).remove(identity, participantId)), {}),
    'session:mute': async ({ participantId }) => ((await (await session()).mute(identity, participantId, true)), {}),
    'session:unmute': async ({ participantId }) => ((await (await session()).mute(identity, participantId, false)), {}),
    'session:hand': async ({ raised }) => ((await (await session()).setHand(identity, raised)), {}),
    'session:lowerHand': async ({ participantId }) => ((await (await session()).lowerHand(identity, participantId)), {}),
    'session:private': async ({ side }) => ((await (await session()).setPrivateTalk(identity, side)), {}),
    'session:phase': async ({ phase, outcome, note }) => ((await (await session()).setPhase(identity, phase, outcome, note)), {}),
    'session:end': async ({ reason, note }) => (await session()).end(identity, reason, note),
    'chat:send': async ({ text }) => (await session()).chat(identity, text),
    'session:history': async () => (await session()).history(identity),
    'session:quality': async (report) => ({ accepted: (await session()).reportQuality(identity, report) }),
    'notes:get': async () => {
      const row = await db
        .selectFrom('host_notes')
        .select(['text', 'updated_at'])
        .where('room_id', '=', identity.roomId)
        .where('user_id', '=', staffUserId())
        .executeTakeFirst();
      return { text: row?.text ?? '', updatedAt: row?.updated_at ?? null };
    },
    'notes:save': async ({ text }) => {
      const userId = staffUserId();
      const updatedAt = new Date().toISOString();
      await db
        .insertInto('host_notes')
        .values({ room_id: identity.roomId, user_id: userId, text, updated_at: updatedAt })
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet({ text, updated_at: updatedAt }))
        .execute();
      return { updatedAt };
    },
  };
}
