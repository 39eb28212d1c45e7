/** The sessions in progress on this server, one per room, loaded once from the store. */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.ts';
import { findRoom } from '../store/repositories/rooms.ts';
import { notFound } from '../errors.ts';
import type { LiveRooms } from '../rooms/liveRooms.ts';
import { LiveSession } from './liveSession.ts';

export class LiveSessions {
  private readonly sessions = new Map<string, Promise<LiveSession>>();

  constructor(
    private readonly deps: {
      db: Db;
      liveRooms: LiveRooms;
      log: FastifyBaseLogger;
      graceSeconds: number;
      revokeInvitation(invitationId: string): Promise<void>;
    },
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

  /** A session already in memory, without loading one. */
  async peek(roomId: string): Promise<LiveSession | undefined> {
    return this.sessions.has(roomId) ? this.get(roomId) : undefined;
  }
}
