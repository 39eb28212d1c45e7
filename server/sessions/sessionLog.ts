/**
 * A session's event log, the truth its state is rebuilt from. Commands
 * append first and change memory only once the append is stored, one at a
 * time per session, so the order in memory is the order in the log.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { recordAudit } from '../audit/auditLog.ts';
import { AppError } from '../errors.ts';
import { ErrorCode } from '../signalling/protocol.ts';
import type { Db } from '../store/database.ts';
import type { Room, SessionEventsTable } from '../store/schema.ts';
import { asStoreError, StoreUnavailableError } from '../store/storeErrors.ts';

export type EventKind =
  | 'participant.joined'
  | 'participant.admitted'
  | 'participant.verified'
  | 'participant.rejected'
  | 'participant.removed'
  | 'participant.left'
  | 'floor.muted'
  | 'floor.unmuted'
  | 'private.started'
  | 'private.ended'
  | 'phase.changed'
  | 'connection.quality'
  | 'session.ended';

export interface NewEvent {
  kind: EventKind;
  /** The participant the event is about, if any. */
  subject: string | null;
  detail: Record<string, unknown>;
}

/** Runs tasks one after another in call order; a failed task does not stop the next. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class SessionLog {
  /** The time of the last event: the next is strictly later, so replaying by time is replaying in order. */
  private lastAt = 0;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly room: Room,
    private readonly log: FastifyBaseLogger,
  ) {}

  async load(): Promise<SessionEventsTable[]> {
    const events = await this.db.selectFrom('session_events').selectAll().where('room_id', '=', this.room.id).orderBy('at').orderBy('id').execute();
    const last = events.at(-1);
    if (last) this.lastAt = Math.max(this.lastAt, Date.parse(last.at));
    return events;
  }

  /** No writes after the server began to shut down. */
  close(): void {
    this.closed = true;
  }

  /**
   * Stores the events (and, for case sessions, their audit rows) in one
   * transaction and returns the time of each. Throws a coded error when
   * nothing was stored: STORE_UNAVAILABLE (retryable) or INTERNAL.
   */
  async append(actorName: string, events: NewEvent[]): Promise<string[]> {
    if (this.closed) throw new StoreUnavailableError('server shutting down');
    const ats = events.map(() => {
      this.lastAt = Math.max(Date.now(), this.lastAt + 1);
      return new Date(this.lastAt).toISOString();
    });
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const [i, event] of events.entries()) {
          await trx
            .insertInto('session_events')
            .values({
              id: randomUUID(),
              room_id: this.room.id,
              case_id: this.room.case_id,
              kind: event.kind,
              subject: event.subject,
              actor_name: actorName,
              detail: JSON.stringify(event.detail),
              at: ats[i]!,
            })
            .execute();
          if (this.room.case_id && event.kind !== 'participant.joined' && event.kind !== 'participant.left' && event.kind !== 'connection.quality') {
            await recordAudit(trx, { actor: { kind: 'system', name: actorName }, ip: null }, {
              caseId: this.room.case_id,
              action: `session.${event.kind}`,
              detail: { roomId: this.room.id, ...event.detail },
            });
          }
        }
      });
    } catch (error) {
      const coded = asStoreError(error);
      const kinds = events.map((e) => e.kind);
      if (coded instanceof StoreUnavailableError) {
        this.log.warn({ err: error, kinds }, 'session event not logged (store unavailable); the command changed nothing');
        throw coded;
      }
      this.log.error({ err: error, kinds }, 'session event not logged; the command changed nothing');
      throw new AppError(ErrorCode.Internal, 'The change could not be recorded; nothing changed', 500);
    }
    return ats;
  }
}
