/** The numbers managers watch: cases by status, type and region, success rate, money recovered, overdue, warnings. */
import type { Db } from '../store/database.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import { forbidden } from '../errors.ts';
import type { CaseService } from './caseService.ts';
import { slaClock } from './workflow.ts';
import { complianceOf, type ClockId } from './statutoryClocks.ts';

/** Per statutory clock: how many cases met it (or waived it), missed it (or are past it), or are still running. */
async function clockCompliance(db: Db, cases: CaseService, actor: StaffActor) {
  let query = db.selectFrom('cases').selectAll();
  if (actor.organisationId) query = query.where('organisation_id', '=', actor.organisationId);
  const rows = await query.execute();
  const views = await cases.clocks.forCases(rows);
  const out: Partial<Record<ClockId, { met: number; missed: number; running: number }>> = {};
  let dueSoon = 0;
  for (const view of views.values()) {
    if (view.urgency === 'due_soon') dueSoon++;
    for (const clock of view.clocks) {
      const bucket = complianceOf(clock.state);
      if (!bucket) continue;
      const entry = (out[clock.id] ??= { met: 0, missed: 0, running: 0 });
      entry[bucket]++;
    }
  }
  return { compliance: out, statutoryOverdue: [...views.values()].filter((v) => v.urgency === 'overdue').length, dueSoon };
}

export async function caseStatistics(db: Db, cases: CaseService, actor: StaffActor) {
  if (!can(actor, 'stats:view')) throw forbidden('Statistics are for clerks and admins');
  let query = db
    .selectFrom('cases')
    .leftJoin('organisations', 'organisations.id', 'cases.organisation_id')
    .select([
      'cases.status',
      'cases.dispute_type',
      'cases.outcome',
      'cases.recovered_cents',
      'cases.claimed_cents',
      'cases.submitted_at',
      'cases.responded_at',
      'cases.accepted_at',
      'cases.closed_at',
      'organisations.province',
      'organisations.city',
      'organisations.county',
    ]);
  if (actor.organisationId) query = query.where('cases.organisation_id', '=', actor.organisationId);
  const rows = await query.execute();

  const count = (key: (row: (typeof rows)[number]) => string) => {
    const out: Record<string, number> = {};
    for (const row of rows) out[key(row)] = (out[key(row)] ?? 0) + 1;
    return out;
  };
  const concluded = rows.filter((row) => row.outcome === 'agreement' || row.outcome === 'award' || row.outcome === 'withdrawn');
  const agreed = concluded.filter((row) => row.outcome === 'agreement').length;
  const now = new Date();
  let overdue = 0;
  for (const row of rows) {
    const clock = slaClock(row, cases.sla, now);
    const open = row.closed_at === null && row.status !== 'rejected';
    if ((row.status === 'submitted' && clock.responseOverdue) || (open && clock.resolutionOverdue)) overdue++;
  }
  return {
    total: rows.length,
    byStatus: count((row) => row.status),
    byType: count((row) => row.dispute_type),
    byRegion: count((row) => [row.province, row.city, row.county].filter(Boolean).join(' ') || '—'),
    mediationSuccessRate: concluded.length ? agreed / concluded.length : null,
    claimedCents: rows.reduce((sum, row) => sum + Number(row.claimed_cents), 0),
    recoveredCents: rows.reduce((sum, row) => sum + Number(row.recovered_cents), 0),
    overdue,
    massDisputes: await cases.massDisputes(actor),
    statutory: await clockCompliance(db, cases, actor),
    rules: { ...cases.massDispute, responseMinutes: cases.sla.responseMinutes, resolutionDays: cases.sla.resolutionDays },
  };
}
