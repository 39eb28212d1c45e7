/**
 * A case's statutory clocks from the store: gathers each case's facts
 * (its organisation's kind, concluding events, hearings, the signed
 * simplified-procedure waiver) in a few batched queries and hands them to the
 * pure statutoryClocks(); records the steps the clocks wait for (service on
 * the respondent, its answer) and the commission's approval of the one award
 * extension, each in the audit log.
 */
import type { Db } from '../store/database.ts';
import type { Case } from '../store/schema.ts';
import { AppError } from '../errors.ts';
import { recordAudit, type AuditContext } from '../audit/auditLog.ts';
import type { Action, StaffActor } from '../auth/policy.ts';
import { limitationWarning, type LimitationWarning } from './limitation.ts';
import {
  MAX_AWARD_EXTENSION_DAYS,
  chinaDate,
  statutoryClocks,
  urgency,
  type CaseKind,
  type ClockFacts,
  type HolidayCalendar,
  type StatutoryClock,
} from './statutoryClocks.ts';

export interface CaseClockView {
  kind: CaseKind;
  clocks: StatutoryClock[];
  /** The worst of the organisation's own clocks: what the inbox highlights. */
  urgency: 'overdue' | 'due_soon' | null;
  /** Mediation: 15 days passed without agreement, so the parties may apply for arbitration. */
  arbitrationOpen: boolean;
  extension: { days: number; reason: string; approvedAt: string; approvedBy: string } | null;
  limitation: LimitationWarning | null;
}

export function limitationOf(row: Case): LimitationWarning | null {
  return limitationWarning(
    row.dispute_type,
    { ended: row.employment_ended === null ? null : row.employment_ended === 1, endedOn: row.employment_ended_on, knewOn: row.infringement_known_on },
    chinaDate(row.submitted_at),
  );
}

export class CaseClocks {
  constructor(
    private readonly db: Db,
    readonly calendar: HolidayCalendar,
    /** CaseService.authorised: the case, if the actor may do the action on it. */
    private readonly authorised: (actor: StaffActor, caseId: string, action: Action) => Promise<Case>,
  ) {}

  async forCases(rows: Case[], now = new Date()): Promise<Map<string, CaseClockView>> {
    const out = new Map<string, CaseClockView>();
    if (rows.length === 0) return out;
    const ids = rows.map((r) => r.id);
    const orgIds = [...new Set(rows.map((r) => r.organisation_id))];
    const [orgs, events, hearings, waivers] = await Promise.all([
      this.db.selectFrom('organisations').select(['id', 'kind']).where('id', 'in', orgIds).execute(),
      this.db
        .selectFrom('case_status_events')
        .select((eb) => ['case_id', 'status', eb.fn.min('at').as('at')])
        .where('case_id', 'in', ids)
        .where('status', 'in', ['agreement_signed', 'ruled', 'closed'])
        .groupBy(['case_id', 'status'])
        .execute(),
      this.db
        .selectFrom('rooms')
        .select(['case_id', 'created_at', 'scheduled_at'])
        .where('case_id', 'in', ids)
        .where('mode', '=', 'hearing')
        .where('scheduled_at', 'is not', null)
        .execute(),
      this.db
        .selectFrom('documents')
        .select((eb) => ['case_id', eb.fn.min('finalised_at').as('at')])
        .where('case_id', 'in', ids)
        .where('kind', '=', 'arbitration_rights')
        .where('status', '=', 'final')
        .groupBy('case_id')
        .execute(),
    ]);
    const kindOf = new Map(orgs.map((o) => [o.id, o.kind === 'arbitration_commission' ? ('arbitration' as const) : ('mediation' as const)]));
    const firstAt = new Map<string, string>();
    for (const e of events) if (e.at) firstAt.set(`${e.case_id}:${e.status}`, String(e.at));
    const waiverOf = new Map(waivers.filter((w) => w.at).map((w) => [w.case_id, String(w.at)]));
    for (const row of rows) {
      const kind = kindOf.get(row.organisation_id) ?? 'mediation';
      const agreementAt = firstAt.get(`${row.id}:agreement_signed`) ?? null;
      const ruledAt = firstAt.get(`${row.id}:ruled`) ?? null;
      const concludedAt = [agreementAt, ruledAt, row.closed_at].filter((x): x is string => Boolean(x)).sort()[0] ?? null;
      const facts: ClockFacts = {
        kind,
        status: row.status,
        submittedAt: row.submitted_at,
        decidedAt: row.responded_at,
        acceptedAt: row.accepted_at,
        servedAt: row.served_at,
        answeredAt: row.answered_at,
        concludedAt,
        agreementAt,
        closedAt: row.closed_at,
        awardExtensionDays: row.award_extension_days,
        hearings: hearings
          .filter((h) => h.case_id === row.id && h.scheduled_at)
          .map((h) => ({ noticeAt: h.created_at, scheduledAt: h.scheduled_at! })),
        simplifiedWaiverAt: waiverOf.get(row.id) ?? null,
      };
      const clocks = statutoryClocks(facts, this.calendar, now);
      out.set(row.id, {
        kind,
        clocks,
        urgency: urgency(clocks),
        arbitrationOpen: kind === 'mediation' && clocks[0]!.state === 'overdue',
        extension:
          row.award_extension_days && row.award_extended_at
            ? { days: row.award_extension_days, reason: row.award_extension_reason ?? '', approvedAt: row.award_extended_at, approvedBy: row.award_extended_by ?? '' }
            : null,
        limitation: limitationOf(row),
      });
    }
    return out;
  }

  async forCase(row: Case, now = new Date()): Promise<CaseClockView> {
    return (await this.forCases([row], now)).get(row.id)!;
  }

  /**
   * The commission's approval of the one extension of the award period: an
   * arbitration case, accepted, not yet decided, not extended before, at most
   * 15 days.
   */
  async extendAward(
    actor: StaffActor,
    caseId: string,
    input: { days: number; reason: string; approvedBy: string },
    context: Omit<AuditContext, 'actor'>,
  ): Promise<CaseClockView> {
    const row = await this.authorised(actor, caseId, 'case:extend');
    const view = await this.forCase(row);
    if (view.kind !== 'arbitration') throw new AppError('NOT_ARBITRATION', 'Only an arbitration case has an award period to extend', 409);
    if (!row.accepted_at || row.closed_at || ['rejected', 'ruled', 'agreement_signed', 'closed'].includes(row.status)) {
      throw new AppError('NOT_EXTENDABLE', 'Only an accepted case awaiting its award can be extended', 409);
    }
    if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_AWARD_EXTENSION_DAYS) {
      throw new AppError('EXTENSION_TOO_LONG', `The award period is extended by 1 to ${MAX_AWARD_EXTENSION_DAYS} days`, 400);
    }
    const reason = input.reason.trim();
    const approvedBy = input.approvedBy.trim();
    if (reason.length < 2 || approvedBy.length < 1) throw new AppError('REASON_REQUIRED', 'Give the reason and who approved the extension', 400);
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('cases')
        .set({ award_extension_days: input.days, award_extension_reason: reason, award_extended_at: now, award_extended_by: approvedBy })
        .where('id', '=', row.id)
        .where('award_extension_days', 'is', null) // once only, even when two approvals race
        .where('status', '=', row.status)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('ALREADY_EXTENDED', 'The award period was extended already (once only)', 409);
      const award = view.clocks.find((c) => c.id === 'award');
      await recordAudit(trx, { ...context, actor }, {
        caseId: row.id,
        action: 'case.award_extended',
        detail: { days: input.days, reason, approvedBy, previousDueOn: award?.dueOn ?? null },
      });
    });
    const updated = await this.db.selectFrom('cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    return this.forCase(updated);
  }

  /** A step a clock waits for: the respondent was served, or its answer came in (a counterclaim counts by itself). */
  async recordStep(
    actor: StaffActor,
    caseId: string,
    input: { step: 'served' | 'answered'; at?: string | undefined },
    context: Omit<AuditContext, 'actor'>,
  ): Promise<CaseClockView> {
    const row = await this.authorised(actor, caseId, 'case:schedule');
    const at = input.at ? new Date(input.at) : new Date();
    if (Number.isNaN(at.getTime()) || at.getTime() > Date.now() + 60_000) throw new AppError('INVALID_TIME', 'The time must be a past date-time', 400);
    if (!row.accepted_at || at.toISOString() < row.accepted_at) throw new AppError('NOT_ACCEPTED', 'Service and answer follow acceptance', 409);
    if (input.step === 'answered' && !row.served_at) throw new AppError('NOT_SERVED', 'Record the service on the respondent first', 409);
    const column = input.step === 'served' ? 'served_at' : 'answered_at';
    await this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('cases').set({ [column]: at.toISOString() }).where('id', '=', row.id).where(column, 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('ALREADY_RECORDED', 'This step is recorded already', 409);
      await recordAudit(trx, { ...context, actor }, { caseId: row.id, action: `case.${input.step}`, detail: { at: at.toISOString() } });
    });
    const updated = await this.db.selectFrom('cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    return this.forCase(updated);
  }
}
