/** The sessions in progress on this server, one per room, loaded once from the store. */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.ts';
import { findRoom } from '../store/repositories/rooms.ts';
import { notFound } from '../errors.ts';
import type { LiveRooms } from '../rooms/liveRooms.ts';
import { LiveSession, type SessionDeps } from './liveSession.ts';

/** A private talk under way in a case's session: the side talking with the mediator, and since when ('' when it was under way before this server started). */
export interface CasePrivateTalk {
  side: 'applicant' | 'respondent';
  since: string;
}

export class LiveSessions {
  private readonly sessions = new Map<string, Promise<LiveSession>>();
  /** Private talks under way, by room (filled as sessions load and their talks change). */
  private readonly talks = new Map<string, { caseId: string } & CasePrivateTalk>();
  private readonly talkListeners = new Set<(caseId: string) => void>();

  constructor(
    private readonly deps: SessionDeps & { db: Db; liveRooms: LiveRooms; log: FastifyBaseLogger },
  ) {}

  get(roomId: string): Promise<LiveSession> {
    let session = this.sessions.get(roomId);
    if (!session) {
      session = (async () => {
        const room = await findRoom(this.deps.db, roomId);
        if (!room) throw notFound('Room');
        const loaded = await LiveSession.load(room, { ...this.deps, log: this.deps.log.child({ roomId }) });
        this.followTalks(loaded);
        return loaded;
      })();
      session.catch(() => this.sessions.delete(roomId));
      this.sessions.set(roomId, session);
    }
    return session;
  }

  /** The private talks under way in the case's sessions on this server. */
  privateTalksOfCase(caseId: string): CasePrivateTalk[] {
    return [...this.talks.values()].filter((talk) => talk.caseId === caseId).map(({ side, since }) => ({ side, since }));
  }

  /** Told (with the case) whenever a private talk of a case's session starts, switches side or ends. */
  onPrivateTalkChange(listener: (caseId: string) => void): () => void {
    this.talkListeners.add(listener);
    return () => this.talkListeners.delete(listener);
  }

  async closeAll(): Promise<void> {
    const sessions = await Promise.allSettled(this.sessions.values());
    for (const result of sessions) if (result.status === 'fulfilled') result.value.close();
  }

  private followTalks(session: LiveSession): void {
    const caseId = session.room.case_id;
    if (!caseId) return;
    const track = (since: string) => {
      const side = session.confidentiality() as CasePrivateTalk['side'] | null;
      if (side) this.talks.set(session.room.id, { caseId, side, since });
      else this.talks.delete(session.room.id);
    };
    // A talk replayed from the log began before this server knew of it: everything since is withheld.
    track('');
    session.onPrivateTalkChange(() => {
      track(new Date().toISOString());
      for (const listener of this.talkListeners) listener(caseId);
    });
  }
}
