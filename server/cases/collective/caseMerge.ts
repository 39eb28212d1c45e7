/**
 * The mass-dispute warning's proposal: separate applications naming one
 * employer (same organisation, same kind of dispute) merged by the clerk into
 * one collective case. Each merged applicant becomes a worker of the target
 * with its own claims and keeps its own serial number and tracking code,
 * which now open the collective case. Logged on both cases; reversible until
 * a session of the collective case is scheduled.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../audit/auditLog.ts';
import type { StaffActor } from '../../auth/policy.ts';
import { AppError } from '../../errors.ts';
import type { Db } from '../../store/database.ts';
import type { Case } from '../../store/schema.ts';
import type { CaseEventBus } from '../caseEvents.ts';
import type { CaseService, RequestContext } from '../caseService.ts';
import { activeMergeOf } from './tracking.ts';
import { insertWorker } from './workers.ts';

/** Workers may join (share link, merge) while the case is not yet in session: nothing scheduled, not decided. */
const joinableStatuses: readonly Case['status'][] = ['submitted', 'accepted', 'assigned'];

export async function isOpenForWorkers(db: Db, row: Case): Promise<boolean> {
  if (!joinableStatuses.includes(row.status)) return false;
  const room = await db.selectFrom('rooms').select('id').where('case_id', '=', row.id).executeTakeFirst();
  return !room && !(await activeMergeOf(db, row.id));
}

async function applicantClaims(db: Db, caseId: string) {
  const claims = await db.selectFrom('claims').select(['description', 'amount_cents']).where('case_id', '=', caseId).where('filed_by', '=', 'applicant').orderBy('position').execute();
  return claims.map((c) => ({ description: c.description, amount: Number(c.amount_cents) / 100 }));
}

function applicantAsWorker(row: Case, claims: { description: string; amount: number }[]) {
  return { name: row.applicant_name, idNumber: row.applicant_id_number, phone: row.applicant_phone, address: row.applicant_address, claims };
}

/** A single application becomes collective: its applicant is worker 1, with the application's claims and tracking code. */
export async function ensureCollective(trx: Db, row: Case, origin: 'share_link' | 'merge', at: string): Promise<boolean> {
  const existing = await trx.selectFrom('collective_cases').select('case_id').where('case_id', '=', row.id).executeTakeFirst();
  if (existing) return false;
  await trx.insertInto('collective_cases').values({ case_id: row.id, origin, share_code_hash: null, share_code_sealed: null, created_at: at }).execute();
  await insertWorker(trx, {
    caseId: row.id,
    position: 0,
    worker: applicantAsWorker(row, await applicantClaims(trx, row.id)),
    representative: false,
    joinedVia: 'intake',
    trackingCodeHash: row.tracking_code_hash,
    ip: null,
    at,
  });
  return true;
}

export class CaseMergeService {
  constructor(
    private readonly db: Db,
    private readonly cases: CaseService,
    private readonly events: CaseEventBus,
  ) {}

  /** Applications that could be merged into this case: same organisation, employer and kind of dispute, each still open and on its own. */
  async candidates(actor: StaffActor, caseId: string) {
    const row = await this.cases.authorised(actor, caseId, 'case:view');
    const flagged = (await this.cases.massDisputes(actor)).find((w) => w.creditCode === row.employer_credit_code);
    const rows = await this.db
      .selectFrom('cases')
      .selectAll()
      .where('organisation_id', '=', row.organisation_id)
      .where('employer_credit_code', '=', row.employer_credit_code)
      .where('dispute_type', '=', row.dispute_type)
      .where('id', '!=', row.id)
      .where('status', 'in', joinableStatuses)
      .where('id', 'not in', (eb) => eb.selectFrom('collective_cases').select('case_id'))
      .orderBy('submitted_at')
      .execute();
    const open = [];
    for (const candidate of rows) if (await isOpenForWorkers(this.db, candidate)) open.push(candidate);
    const merges = await this.db.selectFrom('case_merges').selectAll().where('target_case_id', '=', caseId).orderBy('merged_at').execute();
    const serials = merges.length ? await this.db.selectFrom('cases').select(['id', 'serial_number', 'applicant_name']).where('id', 'in', merges.map((m) => m.source_case_id)).execute() : [];
    return {
      /** The mass-dispute warning for this employer, which proposes the merge. */
      warning: flagged ?? null,
      canMerge: await isOpenForWorkers(this.db, row),
      candidates: open.map((c) => ({ id: c.id, serialNumber: c.serial_number, applicantName: c.applicant_name, claimedCents: Number(c.claimed_cents), status: c.status, submittedAt: c.submitted_at })),
      merges: merges.map((m) => ({
        sourceCaseId: m.source_case_id,
        serialNumber: serials.find((s) => s.id === m.source_case_id)?.serial_number ?? '',
        applicantName: serials.find((s) => s.id === m.source_case_id)?.applicant_name ?? '',
        mergedAt: m.merged_at,
        unmergedAt: m.unmerged_at,
      })),
    };
  }

  async merge(actor: StaffActor, targetId: string, sourceIds: string[], context: RequestContext): Promise<void> {
    const target = await this.cases.authorised(actor, targetId, 'case:accept');
    if (!(await isOpenForWorkers(this.db, target))) throw new AppError('MERGE_CLOSED', 'A session of this case is scheduled (or it is merged itself): nothing can be merged into it', 409);
    const sources: Case[] = [];
    for (const id of new Set(sourceIds)) {
      if (id === targetId) throw new AppError('MERGE_INVALID', 'A case cannot be merged into itself', 400);
      const source = await this.cases.authorised(actor, id, 'case:accept');
      const ok =
        source.organisation_id === target.organisation_id &&
        source.employer_credit_code === target.employer_credit_code &&
        source.dispute_type === target.dispute_type &&
        (await isOpenForWorkers(this.db, source)) &&
        !(await this.db.selectFrom('collective_cases').select('case_id').where('case_id', '=', id).executeTakeFirst());
      if (!ok) throw new AppError('MERGE_INVALID', `${source.serial_number} cannot be merged: another employer, organisation or kind of dispute, or not open on its own`, 409);
      sources.push(source);
    }
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await ensureCollective(trx, target, 'merge', now);
      const workers = await trx.selectFrom('case_workers').select(['id_number', 'position']).where('case_id', '=', targetId).execute();
      let position = Math.max(...workers.map((w) => w.position)) + 1;
      let added = 0;
      for (const source of sources) {
        if (workers.some((w) => w.id_number === source.applicant_id_number)) {
          throw new AppError('MERGE_INVALID', `${source.serial_number}: ${source.applicant_name} is already a worker of this case`, 409);
        }
        await insertWorker(trx, {
          caseId: targetId,
          position: position++,
          worker: applicantAsWorker(source, await applicantClaims(trx, source.id)),
          representative: false,
          joinedVia: 'merge',
          sourceCaseId: source.id,
          trackingCodeHash: source.tracking_code_hash,
          ip: null,
          at: now,
        });
        added += Number(source.claimed_cents);
        await trx.insertInto('case_merges').values({ id: randomUUID(), target_case_id: targetId, source_case_id: source.id, merged_by: actor.userId, merged_at: now, unmerged_by: null, unmerged_at: null }).execute();
        await recordAudit(trx, { ...context, actor }, { caseId: source.id, action: 'collective.merged_into', detail: { targetCaseId: targetId, targetSerialNumber: target.serial_number } });
      }
      const fresh = await trx.selectFrom('cases').select('claimed_cents').where('id', '=', targetId).executeTakeFirstOrThrow();
      await trx.updateTable('cases').set({ claimed_cents: Number(fresh.claimed_cents) + added }).where('id', '=', targetId).execute();
      await recordAudit(trx, { ...context, actor }, {
        caseId: targetId,
        action: 'collective.merged',
        detail: { sources: sources.map((s) => ({ caseId: s.id, serialNumber: s.serial_number, applicant: s.applicant_name, amountCents: Number(s.claimed_cents) })) },
      });
    });
    for (const id of [targetId, ...sources.map((s) => s.id)]) this.events.publish({ caseId: id, status: id === targetId ? target.status : sources.find((s) => s.id === id)!.status });
  }

  /** Undoes a merge until a session is scheduled: the application stands on its own again, its worker row leaves the collective case. */
  async unmerge(actor: StaffActor, targetId: string, sourceId: string, context: RequestContext): Promise<void> {
    const target = await this.cases.authorised(actor, targetId, 'case:accept');
    const merge = await activeMergeOf(this.db, sourceId);
    if (!merge || merge.target_case_id !== targetId) throw new AppError('NOT_MERGED', 'That application is not merged into this case', 409);
    const room = await this.db.selectFrom('rooms').select('id').where('case_id', '=', targetId).executeTakeFirst();
    if (room) throw new AppError('UNMERGE_CLOSED', 'A session of the collective case is scheduled: the merge can no longer be undone', 409);
    const now = new Date().toISOString();
    const source = await this.db.selectFrom('cases').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
    await this.db.transaction().execute(async (trx) => {
      const worker = await trx.selectFrom('case_workers').selectAll().where('case_id', '=', targetId).where('source_case_id', '=', sourceId).executeTakeFirstOrThrow();
      await trx.deleteFrom('worker_consents').where('worker_id', '=', worker.id).execute();
      await trx.deleteFrom('worker_claims').where('worker_id', '=', worker.id).execute();
      await trx.deleteFrom('case_workers').where('id', '=', worker.id).execute();
      const result = await trx.updateTable('case_merges').set({ unmerged_at: now, unmerged_by: actor.userId }).where('id', '=', merge.id).where('unmerged_at', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'The merge changed meanwhile; reload', 409);
      const fresh = await trx.selectFrom('cases').select('claimed_cents').where('id', '=', targetId).executeTakeFirstOrThrow();
      await trx.updateTable('cases').set({ claimed_cents: Number(fresh.claimed_cents) - Number(worker.claimed_cents) }).where('id', '=', targetId).execute();
      // A case that became collective only by merging is a single application again once the last merged one leaves.
      const collective = await trx.selectFrom('collective_cases').select('origin').where('case_id', '=', targetId).executeTakeFirstOrThrow();
      const others = await trx.selectFrom('case_workers').select(['id', 'joined_via']).where('case_id', '=', targetId).execute();
      if (collective.origin === 'merge' && others.every((w) => w.joined_via === 'intake') && others.length <= 1) {
        for (const w of others) {
          await trx.deleteFrom('worker_consents').where('worker_id', '=', w.id).execute();
          await trx.deleteFrom('worker_claims').where('worker_id', '=', w.id).execute();
          await trx.deleteFrom('case_workers').where('id', '=', w.id).execute();
        }
        await trx.deleteFrom('collective_cases').where('case_id', '=', targetId).execute();
      }
      await recordAudit(trx, { ...context, actor }, { caseId: targetId, action: 'collective.unmerged', detail: { sourceCaseId: sourceId, serialNumber: source.serial_number } });
      await recordAudit(trx, { ...context, actor }, { caseId: sourceId, action: 'collective.unmerged_from', detail: { targetCaseId: targetId, targetSerialNumber: target.serial_number } });
    });
    this.events.publish({ caseId: targetId, status: target.status });
    this.events.publish({ caseId: sourceId, status: source.status });
  }
}
