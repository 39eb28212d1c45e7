/**
 * The one-year limitation period for arbitration (调解仲裁法 art. 27), as a
 * warning at intake: never a refusal (the period can be interrupted or
 * suspended, and the commission decides). Pure; the /apply page uses the same
 * function to warn while the worker types.
 *
 * - From the day the worker knew or should have known of the infringement.
 * - Wage arrears during employment: not time-barred while the employment
 *   lasts; after it ends, within one year of its end.
 * A year ends on the same date a year later (29 February: 28 February).
 */
export interface EmploymentFacts {
  /** Has the employment ended? null: not answered. */
  ended: boolean | null;
  endedOn: string | null;
  /** When the worker knew of the infringement. */
  knewOn: string | null;
}

export type LimitationWarning =
  | { code: 'LIMITATION_EXPIRED'; expiredOn: string; from: 'knew' | 'ended' }
  | { code: 'LIMITATION_NEAR'; expiresOn: string; from: 'knew' | 'ended' };

/** Warn this many days before the year runs out. */
export const LIMITATION_NEAR_DAYS = 30;

export function oneYearAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const leapDay = m === 2 && d === 29;
  return `${String(y + 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(leapDay ? 28 : d).padStart(2, '0')}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The warning for an application filed on `filedOn` (China date), or null. */
export function limitationWarning(disputeType: string, facts: EmploymentFacts, filedOn: string): LimitationWarning | null {
  let start: string | null;
  let from: 'knew' | 'ended';
  if (disputeType === 'wage_arrears') {
    if (facts.ended !== true) return null; // still employed (or not said): wage arrears are not time-barred
    start = facts.endedOn;
    from = 'ended';
  } else {
    start = facts.knewOn;
    from = 'knew';
  }
  if (!start) return null;
  const end = oneYearAfter(start);
  if (filedOn > end) return { code: 'LIMITATION_EXPIRED', expiredOn: end, from };
  if (daysBetween(filedOn, end) <= LIMITATION_NEAR_DAYS) return { code: 'LIMITATION_NEAR', expiresOn: end, from };
  return null;
}
