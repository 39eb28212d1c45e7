/** A session participant as the server holds it, and the state a session's event log replays to. */
import type { HearingPhase, ParticipantView, SessionEnd, SocketIdentity } from '../signalling/protocol.ts';
import type { SessionEventsTable } from '../store/schema.ts';
import { randomUUID } from 'node:crypto';
import { sideOf, type AudienceMember, type PrivateTalk } from './audience.ts';
import type { EventKind } from './sessionLog.ts';

export interface Participant extends AudienceMember {
  subject: string;
  name: string;
  role: SocketIdentity['role'];
  verified: boolean;
  presence: ParticipantView['presence'];
  handRaised: boolean;
  mutedByHost: boolean;
  /** Microphones the party had paused itself when the host muted it: unmuting leaves them paused. */
  selfPausedMics: Set<string>;
  peerId: string | null;
  goneTimer?: NodeJS.Timeout;
}

export function newParticipant(subject: string, name: string, role: SocketIdentity['role'], presence: ParticipantView['presence']): Participant {
  return {
    id: randomUUID(),
    subject,
    name,
    role,
    side: sideOf(role),
    admitted: sideOf(role) === 'staff',
    verified: false,
    presence,
    handRaised: false,
    mutedByHost: false,
    selfPausedMics: new Set(),
    peerId: null,
  };
}

export interface ReplayedState {
  participants: Map<string, Participant>;
  removed: Set<string>;
  privateTalk: (PrivateTalk & { since: string }) | null;
  phase: HearingPhase | null;
  phaseStartedAt: string | null;
  /** How the session ended (session.ended), or null while it is open. */
  ended: SessionEnd | null;
}

/** The session as its log says it is. Nobody is connected to a session just loaded: everyone is gone until they come back. */
export function replayEvents(events: SessionEventsTable[]): ReplayedState {
  const state: ReplayedState = { participants: new Map(), removed: new Set(), privateTalk: null, phase: null, phaseStartedAt: null, ended: null };
  for (const event of events) {
    const { subject, at } = event;
    const detail = JSON.parse(event.detail) as Record<string, string>;
    const target = subject ? state.participants.get(subject) : undefined;
    const ensure = () => {
      if (target || !subject || !detail.role) return target;
      const participant = newParticipant(subject, detail.name ?? '', detail.role as SocketIdentity['role'], 'gone');
      state.participants.set(subject, participant);
      return participant;
    };
    switch (event.kind as EventKind) {
      case 'participant.joined':
        ensure();
        break;
      case 'participant.admitted': {
        const p = ensure();
        if (p) p.admitted = true;
        break;
      }
      case 'participant.verified': {
        const p = ensure();
        if (p) p.verified = true;
        break;
      }
      case 'participant.rejected': {
        const p = ensure();
        if (p) p.admitted = false;
        break;
      }
      case 'participant.removed':
        if (subject) state.removed.add(subject);
        break;
      case 'floor.muted':
      case 'floor.unmuted':
        if (target) target.mutedByHost = event.kind === 'floor.muted';
        break;
      case 'private.started':
        state.privateTalk = { side: detail.side as PrivateTalk['side'], since: at };
        break;
      case 'private.ended':
        state.privateTalk = null;
        break;
      case 'phase.changed':
        state.phase = detail.phase as HearingPhase;
        state.phaseStartedAt = at;
        break;
      case 'session.ended':
        state.ended = detail as unknown as SessionEnd;
        break;
      case 'participant.left':
      case 'connection.quality':
        break;
    }
  }
  for (const participant of state.participants.values()) participant.presence = 'gone';
  return state;
}
