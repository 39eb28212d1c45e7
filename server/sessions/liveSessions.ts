/** The sessions in progress on this server, one per room, loaded once from the store. */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.ts';
import { findRoom } from '../store/repositories/rooms.ts';
import { notFound } from '../errors.ts';
import type { LiveRooms } from '../rooms/liveRooms.ts';
import { LiveSession, type SessionDeps } from './liveSession.ts';

export class LiveSessions {
  private readonly sessions = new Map<string, Promise<LiveSession>>();

  constructor(
    private readonly deps: SessionDeps & { db: Db; liveRooms: LiveRooms; log: FastifyBaseLogger },
  ) {}

  get(roomId: string): Promise<LiveSession> {
    let session = this.sessions.get(roomId);
    if (!session) {
      session = (async () => {
        const room = await findRoom(this.deps.db, roomId);
        if (!room) throw notFound('Room');
        return LiveSession.load(room, { ...this.deps, log: this.deps.log.child({ roomId }) });
      })();
      session.catch(() => this.sessions.delete(roomId));
      this.sessions.set(roomId, session);
    }
    return session;
  }

  async closeAll(): Promise<void> {
    const sessions = await Promise.allSettled(this.sessions.values());
    for (const result of sessions) if (result.status === 'fulfilled') result.value.close();
  }

}
