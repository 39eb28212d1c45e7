/**
 * The end of a session for everyone. The host's 结束调解 (a mediation, with
 * a reason) or 闭庭 (a hearing's closing phase, with its outcome and note)
 * is first logged as the session event `session.ended` (LiveSession); then
 * this module carries it out: the room records the end, everyone in it is
 * told and let go, the media room closes at once (which closes the
 * recording and queues its composition), and the case moves on: a hearing
 * out of 庭审中, a mediation to its next state.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { recordAudit } from '../audit/auditLog.ts';
import type { CaseEventBus } from '../cases/caseEvents.ts';
import { canMove } from '../cases/workflow.ts';
import type { LiveRooms } from '../rooms/liveRooms.ts';
import type { SessionEnd } from '../signalling/protocol.ts';
import type { Db } from '../store/database.ts';
import type { CaseStatus, Room } from '../store/schema.ts';

export type { SessionEnd };

/** Where the case goes when a session ends (null: it stays, e.g. an agreement still being signed). */
export function caseStatusAfter(end: SessionEnd, current: CaseStatus): { to: CaseStatus; outcome?: 'agreement' | 'award' } | null {
  if (end.mode === 'hearing') {
    // 裁决 or 调解书 to come: ruled; 休庭: another hearing will be scheduled.
    if (end.outcome === 'adjournment') return { to: 'scheduled' };
    return { to: 'ruled', outcome: end.outcome === 'settlement' ? 'agreement' : 'award' };
  }
  switch (end.reason) {
    case 'agreement':
      // The agreement is signed in the session or right after it: signing moves the case (已签署协议).
      return null;
    case 'adjourned':
      return { to: 'scheduled' };
    case 'no_agreement':
      return { to: 'closed' };
    default:
      return current === 'in_session' ? { to: 'scheduled' } : null;
  }
}

/** The note on the case's timeline (and /track) for an ended session. */
export function endNote(end: SessionEnd): string {
  const reasons: Record<string, string> = {
    agreement: '调解结束：达成调解协议，待签署',
    no_agreement: '调解结束：未达成协议（可依法申请仲裁或向人民法院起诉）',
    adjourned: '调解结束：另行安排调解',
    other: '调解结束',
  };
  const outcomes: Record<string, string> = {
    ruling: '闭庭：当庭裁决，裁决书将送达',
    adjournment: '休庭：另行排期开庭',
    settlement: '闭庭：当庭调解达成协议，仲裁庭将制作调解书',
  };
  const head = end.mode === 'hearing' ? (outcomes[end.outcome ?? 'ruling'] ?? '闭庭') : (reasons[end.reason] ?? '调解结束');
  return end.note ? `${head}。${end.note}` : head;
}

export function parseEnd(room: Pick<Room, 'ended_at' | 'end_detail'>): SessionEnd | null {
  if (!room.ended_at) return null;
  try {
    return JSON.parse(room.end_detail ?? '{}') as SessionEnd;
  } catch {
    return null;
  }
}

export interface SessionEndDeps {
  db: Db;
  liveRooms: LiveRooms;
  caseEvents: CaseEventBus;
  log: FastifyBaseLogger;
}

/** Carries out an end already logged as a session event. Each step is idempotent, so a repeat does no harm. */
export async function carryOutEnd(deps: SessionEndDeps, room: Room, end: SessionEnd): Promise<void> {
  await deps.db
    .updateTable('rooms')
    .set({ ended_at: end.at, end_detail: JSON.stringify(end) })
    .where('id', '=', room.id)
    .where('ended_at', 'is', null)
    .execute();
  if (room.case_id) await moveCase(deps, room, end).catch((error: unknown) => deps.log.error({ err: error, roomId: room.id }, 'could not move the case after the session ended'));
  // Last, and without awaiting, so the host's request is answered before its connection is let go:
  // everyone sees the end screen, media stops, the recording closes and is composed at once.
  const media = deps.liveRooms.get(room.id);
  if (media) {
    for (const peer of media.peers.values()) if (!peer.closed) peer.notify('room:closed', { reason: 'ended' });
    media.close();
  }
}

async function moveCase(deps: SessionEndDeps, room: Room, end: SessionEnd): Promise<void> {
  const caseId = room.case_id!;
  const row = await deps.db.selectFrom('cases').select(['id', 'status']).where('id', '=', caseId).executeTakeFirst();
  if (!row) return;
  const next = caseStatusAfter(end, row.status);
  if (!next || !canMove(row.status, next.to)) return;
  const note = endNote(end);
  const moved = await deps.db.transaction().execute(async (trx) => {
    const update = await trx
      .updateTable('cases')
      .set({ status: next.to, ...(next.outcome ? { outcome: next.outcome } : {}), ...(next.to === 'closed' ? { closed_at: end.at } : {}) })
      .where('id', '=', caseId)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(update.numUpdatedRows) !== 1) return false;
    await trx.insertInto('case_status_events').values({ id: randomUUID(), case_id: caseId, status: next.to, note, at: end.at }).execute();
    await recordAudit(trx, { actor: { kind: 'system', name: end.by }, ip: null }, {
      caseId,
      action: `case.${next.to}`,
      detail: { from: row.status, roomId: room.id, sessionEnd: end },
    });
    return true;
  });
  if (moved) deps.caseEvents.publish({ caseId, status: next.to });
}
