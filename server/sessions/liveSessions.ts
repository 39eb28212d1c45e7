/**
 * The sessions in progress on this server, one per room, loaded once from
 * the store. A session is forgotten once its room has had no media for a
 * while (its state is rebuilt from the event log when someone comes back),
 * so memory follows the rooms in use, not every room ever opened.
 */
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
  private readonly forgetTimers = new Map<string, NodeJS.Timeout>();
  private readonly idleMs: number;

  constructor(
    private readonly deps: SessionDeps & { db: Db; liveRooms: LiveRooms; log: FastifyBaseLogger; idleMs?: number },
  ) {
    this.idleMs = deps.idleMs ?? 2000;
    deps.liveRooms.on('roomClosed', (roomId) => this.forgetLater(roomId));
  }

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
      // Loaded for a request that never brings media (e.g. evidence): forgotten the same way.
      this.forgetLater(roomId);
    }
    return session;
  }

  /** Sessions held in memory now. */
  get size(): number {
    return this.sessions.size;
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
    for (const timer of this.forgetTimers.values()) clearTimeout(timer);
    this.forgetTimers.clear();
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

  private forgetLater(roomId: string): void {
    clearTimeout(this.forgetTimers.get(roomId));
    const timer = setTimeout(() => {
      this.forgetTimers.delete(roomId);
      void this.forgetIfIdle(roomId);
    }, this.idleMs);
    timer.unref();
    this.forgetTimers.set(roomId, timer);
  }

  private async forgetIfIdle(roomId: string): Promise<void> {
    const pending = this.sessions.get(roomId);
    if (!pending || this.deps.liveRooms.has(roomId)) return;
    const session = await pending.catch(() => undefined);
    // Checked again after the await: media may have come back meanwhile.
    if (this.sessions.get(roomId) !== pending || this.deps.liveRooms.has(roomId)) return;
    this.sessions.delete(roomId);
    session?.retire();
  }
}
