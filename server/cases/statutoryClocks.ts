/**
 * The clocks the law sets on a case, computed from its facts on a given day:
 * pure (no store, no current time unless passed), so every clock can be
 * checked on fixed dates.
 *
 * How days are counted (documented per clock in CLOCK_RULES):
 * - Dates are China dates (UTC+8). The day of the event that starts a period
 *   is not counted (民事诉讼法 on periods: 期间开始的日，不计算在期间内).
 * - "calendar" periods run over every day, but a period whose last day is a
 *   holiday or a weekend ends on the next working day (期间届满的最后一日是
 *   法定休假日的，以法定休假日后的第一日为期间届满的日期).
 * - "working" periods count working days only (劳动人事争议仲裁办案规则:
 *   its 3-, 5- and 10-day periods are working days), so they always end on one.
 * - Working days are Monday to Friday, minus the configured holidays, plus
 *   the configured adjusted working days (调休).
 * A period's due time is the end of its last day in China (23:59:59.999 +08:00).
 */
import type { CaseStatus } from '../store/schema.ts';

export type IsoDate = string; // YYYY-MM-DD

export interface HolidayCalendar {
  /** Days off that would otherwise be working days (statutory holidays). */
  holidays: ReadonlySet<IsoDate>;
  /** Weekend days made working days (调休). */
  workdays: ReadonlySet<IsoDate>;
}

export const noHolidays: HolidayCalendar = { holidays: new Set(), workdays: new Set() };

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * HOLIDAYS / HOLIDAY_WORKDAYS: comma-separated dates or inclusive ranges,
 * e.g. "2026-10-01..2026-10-07,2027-01-01". Throws on anything else.
 */
export function parseDateList(name: string, raw: string | undefined): Set<IsoDate> {
  const out = new Set<IsoDate>();
  for (const part of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to = from] = part.split('..').map((p) => p.trim()) as [string, string?];
    if (!isIsoDate(from) || !isIsoDate(to) || to < from) throw new Error(`${name}: "${part}" is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)`);
    for (let d = from; d <= to; d = addDays(d, 1)) {
      out.add(d);
      if (out.size > 5000) throw new Error(`${name}: too many days`);
    }
  }
  return out;
}

export function calendarFrom(holidays: string | undefined, workdays: string | undefined): HolidayCalendar {
  return { holidays: parseDateList('HOLIDAYS', holidays), workdays: parseDateList('HOLIDAY_WORKDAYS', workdays) };
}

/** The China date of an instant. */
export function chinaDate(at: string | Date): IsoDate {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last instant of a China date, as ISO UTC. */
export function endOfChinaDay(date: IsoDate): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS + DAY_MS - 1).toISOString();
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: IsoDate, calendar: HolidayCalendar): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The day itself if it is a working day, else the next working day. */
export function nextWorkingDayFrom(date: IsoDate, calendar: HolidayCalendar): IsoDate {
  let d = date;
  while (!isWorkingDay(d, calendar)) d = addDays(d, 1);
  return d;
}

/** A calendar-day period's last day: start day not counted; a last day off moves to the next working day. */
export function calendarPeriodEnd(start: IsoDate, days: number, calendar: HolidayCalendar): IsoDate {
  return nextWorkingDayFrom(addDays(start, days), calendar);
}

/** A working-day period's last day: the n-th working day after the start day. */
export function workingPeriodEnd(start: IsoDate, days: number, calendar: HolidayCalendar): IsoDate {
  let d = start;
  for (let left = days; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) left--;
  }
  return d;
}

export type ClockId = 'mediation' | 'acceptance' | 'service' | 'answer' | 'hearing_notice' | 'award';
export type CaseKind = 'mediation' | 'arbitration';
export type ClockState = 'not_started' | 'running' | 'due_soon' | 'overdue' | 'met' | 'missed' | 'waived' | 'stopped';

export const CLOCK_RULES: Record<ClockId, { days: number; basis: 'calendar' | 'working'; duty: 'organisation' | 'respondent'; law: string }> = {
  /** 调解仲裁法 art. 14: no agreement within 15 days of receipt → the parties may apply for arbitration. */
  mediation: { days: 15, basis: 'calendar', duty: 'organisation', law: '调解仲裁法第十四条' },
  /** art. 29: accept or refuse within 5 days of receiving the application. */
  acceptance: { days: 5, basis: 'working', duty: 'organisation', law: '调解仲裁法第二十九条' },
  /** art. 30: a copy to the respondent within 5 days of acceptance. */
  service: { days: 5, basis: 'working', duty: 'organisation', law: '调解仲裁法第三十条' },
  /** art. 30: the respondent answers within 10 days of receiving it. */
  answer: { days: 10, basis: 'working', duty: 'respondent', law: '调解仲裁法第三十条' },
  /** art. 35: written notice at least 5 days before the hearing. */
  hearing_notice: { days: 5, basis: 'working', duty: 'organisation', law: '调解仲裁法第三十五条' },
  /** art. 43: the award within 45 days of acceptance; extendable once by at most 15 days. */
  award: { days: 45, basis: 'calendar', duty: 'organisation', law: '调解仲裁法第四十三条' },
};

export const MAX_AWARD_EXTENSION_DAYS = 15;
/** A running clock is "due soon" when its last day is at most this many days ahead. */
export const DUE_SOON_DAYS = 2;

export interface ClockFacts {
  kind: CaseKind;
  status: CaseStatus;
  submittedAt: string;
  /** When the organisation accepted or refused (responded_at). */
  decidedAt: string | null;
  acceptedAt: string | null;
  servedAt: string | null;
  answeredAt: string | null;
  /** When the case reached a result: agreement signed, ruled (or closed). */
  concludedAt: string | null;
  /** Mediation: when the agreement was signed. */
  agreementAt: string | null;
  closedAt: string | null;
  /** The approved extension of the award period, if any. */
  awardExtensionDays: number | null;
  /** Hearings: when the parties were notified (the session was scheduled) and when it is held. */
  hearings: { noticeAt: string; scheduledAt: string }[];
  /** When both parties waived the notice and answer periods (the simplified-procedure confirmation, final). */
  simplifiedWaiverAt: string | null;
}

export interface StatutoryClock {
  id: ClockId;
  basis: 'calendar' | 'working';
  days: number;
  duty: 'organisation' | 'respondent';
  state: ClockState;
  startedOn: IsoDate | null;
  /** The period's last day (China date) and the instant it ends. */
  dueOn: IsoDate | null;
  dueAt: string | null;
  doneAt: string | null;
  extendedDays?: number;
}

function clock(
  id: ClockId,
  startAt: string | null,
  doneAt: string | null,
  calendar: HolidayCalendar,
  today: IsoDate,
  options: { extraDays?: number; stopped?: boolean; waived?: boolean } = {},
): StatutoryClock {
  const rule = CLOCK_RULES[id];
  const base = { id, basis: rule.basis, days: rule.days, duty: rule.duty, doneAt };
  if (options.waived) return { ...base, state: 'waived', startedOn: startAt ? chinaDate(startAt) : null, dueOn: null, dueAt: null };
  if (!startAt) return { ...base, state: 'not_started', startedOn: null, dueOn: null, dueAt: null };
  const startedOn = chinaDate(startAt);
  let dueOn = rule.basis === 'calendar' ? calendarPeriodEnd(startedOn, rule.days, calendar) : workingPeriodEnd(startedOn, rule.days, calendar);
  if (options.extraDays) dueOn = calendarPeriodEnd(addDays(startedOn, rule.days), options.extraDays, calendar);
  const result = { ...base, startedOn, dueOn, dueAt: endOfChinaDay(dueOn), ...(options.extraDays ? { extendedDays: options.extraDays } : {}) };
  let state: ClockState;
  if (doneAt) state = chinaDate(doneAt) <= dueOn ? 'met' : 'missed';
  else if (options.stopped) state = 'stopped';
  else if (today > dueOn) state = 'overdue';
  else if (addDays(today, DUE_SOON_DAYS) >= dueOn) state = 'due_soon';
  else state = 'running';
  return { ...result, state };
}

/**
 * The hearing-notice clock of the next (or last) hearing: met when the notice
 * day and the hearing day leave the 5 working days between them.
 */
function hearingNotice(facts: ClockFacts, calendar: HolidayCalendar, today: IsoDate): StatutoryClock {
  const rule = CLOCK_RULES.hearing_notice;
  const hearings = [...facts.hearings].sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  const upcoming = hearings.find((h) => chinaDate(h.scheduledAt) >= today) ?? hearings.at(-1);
  const base = { id: 'hearing_notice' as const, basis: rule.basis, days: rule.days, duty: rule.duty };
  if (!upcoming) {
    return { ...base, state: facts.simplifiedWaiverAt ? 'waived' : 'not_started', startedOn: null, dueOn: null, dueAt: null, doneAt: null };
  }
  const noticeOn = chinaDate(upcoming.noticeAt);
  const periodEnd = workingPeriodEnd(noticeOn, rule.days, calendar);
  // "dueOn" here is the earliest lawful hearing day: the day after the notice period ends.
  const earliest = addDays(periodEnd, 1);
  const hearingOn = chinaDate(upcoming.scheduledAt);
  const waived = facts.simplifiedWaiverAt !== null && facts.simplifiedWaiverAt <= upcoming.scheduledAt;
  // Too short a notice: overdue while the hearing is still ahead (reschedule it), missed once it is held.
  const state: ClockState = hearingOn >= earliest ? 'met' : waived ? 'waived' : hearingOn >= today ? 'overdue' : 'missed';
  return { ...base, state, startedOn: noticeOn, dueOn: earliest, dueAt: endOfChinaDay(earliest), doneAt: upcoming.noticeAt };
}

/** Every clock that applies to the case's kind, in the order the law runs them. */
export function statutoryClocks(facts: ClockFacts, calendar: HolidayCalendar, now: Date): StatutoryClock[] {
  const today = chinaDate(now);
  const ended = facts.status === 'rejected' || facts.closedAt !== null;
  if (facts.kind === 'mediation') {
    const agreed = facts.agreementAt;
    return [clock('mediation', facts.submittedAt, agreed, calendar, today, { stopped: ended && !agreed })];
  }
  const refused = facts.status === 'rejected';
  const waiver = facts.simplifiedWaiverAt;
  return [
    clock('acceptance', facts.submittedAt, facts.decidedAt, calendar, today),
    clock('service', refused ? null : facts.acceptedAt, facts.servedAt, calendar, today, { stopped: ended }),
    clock('answer', refused ? null : facts.servedAt, facts.answeredAt, calendar, today, {
      stopped: ended,
      waived: waiver !== null && !facts.answeredAt,
    }),
    hearingNotice(facts, calendar, today),
    clock('award', refused ? null : facts.acceptedAt, facts.concludedAt, calendar, today, {
      stopped: ended,
      ...(facts.awardExtensionDays ? { extraDays: facts.awardExtensionDays } : {}),
    }),
  ];
}

/** The worst state among the organisation's own running clocks: what the inbox highlights. */
export function urgency(clocks: StatutoryClock[]): 'overdue' | 'due_soon' | null {
  const own = clocks.filter((c) => c.duty === 'organisation');
  if (own.some((c) => c.state === 'overdue')) return 'overdue';
  if (own.some((c) => c.state === 'due_soon')) return 'due_soon';
  return null;
}

/** Compliance buckets for the statistics. */
export function complianceOf(state: ClockState): 'met' | 'missed' | 'running' | null {
  if (state === 'met' || state === 'waived') return 'met';
  if (state === 'missed' || state === 'overdue') return 'missed';
  if (state === 'running' || state === 'due_soon') return 'running';
  return null;
}
