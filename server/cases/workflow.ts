/** The case's life: which status may follow which, and the clocks it runs against. */
import type { CaseStatus } from '../store/schema.ts';

const next: Record<CaseStatus, readonly CaseStatus[]> = {
  submitted: ['accepted', 'rejected'],
  accepted: ['assigned', 'closed'],
  rejected: [],
  assigned: ['assigned', 'scheduled', 'closed'],
  scheduled: ['assigned', 'scheduled', 'in_session', 'closed'],
  in_session: ['scheduled', 'agreement_signed', 'ruled', 'closed'],
  agreement_signed: ['closed'],
  ruled: ['closed'],
  closed: [],
};

export function canMove(from: CaseStatus, to: CaseStatus): boolean {
  return next[from].includes(to);
}

export const openStatuses: readonly CaseStatus[] = ['submitted', 'accepted', 'assigned', 'scheduled', 'in_session', 'agreement_signed', 'ruled'];

export interface SlaPolicy {
  responseMinutes: number;
  resolutionDays: number;
}

export interface SlaClock {
  responseDueAt: string;
  /** Still unanswered past the hour. */
  responseOverdue: boolean;
  /** Answered, but after the hour (for the record). */
  respondedLate: boolean;
  resolutionDueAt: string | null;
  resolutionOverdue: boolean;
}

/** Respond within the hour of submission; resolve within 7 days of acceptance (the one-stop centres' promise). */
export function slaClock(
  row: { status: CaseStatus; submitted_at: string; responded_at: string | null; accepted_at: string | null; closed_at: string | null },
  policy: SlaPolicy,
  now = new Date(),
): SlaClock {
  const responseDue = new Date(new Date(row.submitted_at).getTime() + policy.responseMinutes * 60_000);
  const respondedAt = row.responded_at ? new Date(row.responded_at) : now;
  const resolutionDue = row.accepted_at ? new Date(new Date(row.accepted_at).getTime() + policy.resolutionDays * 86_400_000) : null;
  const resolvedAt = row.closed_at ? new Date(row.closed_at) : now;
  return {
    responseDueAt: responseDue.toISOString(),
    responseOverdue: !row.responded_at && respondedAt > responseDue,
    respondedLate: row.responded_at !== null && respondedAt > responseDue,
    resolutionDueAt: resolutionDue?.toISOString() ?? null,
    resolutionOverdue: resolutionDue !== null && row.status !== 'rejected' && resolvedAt > resolutionDue,
  };
}
