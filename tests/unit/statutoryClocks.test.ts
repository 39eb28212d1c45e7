import { describe, expect, it } from 'vitest';
import {
  calendarFrom,
  calendarPeriodEnd,
  chinaDate,
  complianceOf,
  endOfChinaDay,
  noHolidays,
  parseDateList,
  statutoryClocks,
  urgency,
  workingPeriodEnd,
  type ClockFacts,
  type StatutoryClock,
} from '../../server/cases/statutoryClocks.ts';
import { limitationWarning, oneYearAfter } from '../../server/cases/limitation.ts';

// National Day 2026 as configured by an admin: 1–8 October off, Sunday 27 September and Saturday 10 October worked (调休).
const golden = calendarFrom('2026-10-01..2026-10-08', '2026-09-27,2026-10-10');

const base: ClockFacts = {
  kind: 'arbitration',
  status: 'submitted',
  submittedAt: '2026-09-25T02:00:00Z',
  decidedAt: null,
  acceptedAt: null,
  servedAt: null,
  answeredAt: null,
  concludedAt: null,
  agreementAt: null,
  closedAt: null,
  awardExtensionDays: null,
  hearings: [],
  simplifiedWaiverAt: null,
};
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);
const byId = (clocks: StatutoryClock[], id: StatutoryClock['id']) => clocks.find((c) => c.id === id)!;

describe('counting days', () => {
  it('parses the HOLIDAYS list with ranges, and refuses anything else', () => {
    expect([...parseDateList('HOLIDAYS', '2026-10-01..2026-10-03, 2027-01-01')]).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2027-01-01']);
    expect(parseDateList('HOLIDAYS', '').size).toBe(0);
    expect(() => parseDateList('HOLIDAYS', '2026-13-01')).toThrow(/HOLIDAYS/);
    expect(() => parseDateList('HOLIDAYS', '2026-10-05..2026-10-01')).toThrow(/HOLIDAYS/);
    expect(() => parseDateList('HOLIDAYS', 'tomorrow')).toThrow(/HOLIDAYS/);
  });

  it('takes the China date of an instant (UTC+8) and ends a day at midnight China time', () => {
    expect(chinaDate('2026-09-24T16:30:00Z')).toBe('2026-09-25');
    expect(chinaDate('2026-09-24T15:59:59Z')).toBe('2026-09-24');
    expect(endOfChinaDay('2026-10-09')).toBe('2026-10-09T15:59:59.999Z');
  });

  it('counts working days over weekends, holidays and adjusted working days', () => {
    // Friday 25 September + 5 working days: Sun 27 (调休), 28, 29, 30, then 1–8 October off, Friday 9 October.
    expect(workingPeriodEnd('2026-09-25', 5, golden)).toBe('2026-10-09');
    // Without holidays: 28, 29, 30 September, 1, 2 October.
    expect(workingPeriodEnd('2026-09-25', 5, noHolidays)).toBe('2026-10-02');
  });

  it('moves a calendar period ending on a holiday or weekend to the next working day', () => {
    // 20 September + 15 = 5 October, a holiday; 6–8 are holidays too: Friday 9 October.
    expect(calendarPeriodEnd('2026-09-20', 15, golden)).toBe('2026-10-09');
    expect(calendarPeriodEnd('2026-09-20', 15, noHolidays)).toBe('2026-10-05');
    // Ending on Saturday 10 October, an adjusted working day: stays.
    expect(calendarPeriodEnd('2026-09-25', 15, golden)).toBe('2026-10-10');
    // Ending on Sunday 11 October: Monday 12.
    expect(calendarPeriodEnd('2026-09-26', 15, golden)).toBe('2026-10-12');
  });
});

describe('mediation: 15 days from receipt', () => {
  const mediation: ClockFacts = { ...base, kind: 'mediation', submittedAt: '2026-09-20T02:00:00Z' };

  it('runs from the day after receipt, ends on the next working day after the holidays', () => {
    const [clock] = statutoryClocks(mediation, golden, at('2026-09-21'));
    expect(clock).toMatchObject({ id: 'mediation', basis: 'calendar', days: 15, startedOn: '2026-09-20', dueOn: '2026-10-09', state: 'running' });
  });

  it('is due soon two days before, overdue after the last day, met by an agreement in time', () => {
    expect(statutoryClocks(mediation, golden, at('2026-10-07'))[0]!.state).toBe('due_soon');
    expect(statutoryClocks(mediation, golden, at('2026-10-09', '23:59'))[0]!.state).toBe('due_soon');
    expect(statutoryClocks(mediation, golden, at('2026-10-10', '00:01'))[0]!.state).toBe('overdue');
    const agreed = { ...mediation, status: 'agreement_signed' as const, agreementAt: at('2026-10-09', '18:00').toISOString() };
    expect(statutoryClocks(agreed, golden, at('2026-11-01'))[0]!.state).toBe('met');
    const late = { ...agreed, agreementAt: at('2026-10-10').toISOString() };
    expect(statutoryClocks(late, golden, at('2026-11-01'))[0]!.state).toBe('missed');
    const withdrawn = { ...mediation, status: 'closed' as const, closedAt: at('2026-10-01').toISOString() };
    expect(statutoryClocks(withdrawn, golden, at('2026-11-01'))[0]!.state).toBe('stopped');
  });
});

describe('arbitration clocks', () => {
  it('decides on acceptance within 5 working days of receipt', () => {
    const clocks = statutoryClocks(base, golden, at('2026-09-28'));
    expect(clocks.map((c) => c.id)).toEqual(['acceptance', 'service', 'answer', 'hearing_notice', 'award']);
    expect(byId(clocks, 'acceptance')).toMatchObject({ basis: 'working', dueOn: '2026-10-09', state: 'running' });
    expect(byId(clocks, 'service').state).toBe('not_started');
    expect(urgency(clocks)).toBeNull();
    expect(urgency(statutoryClocks(base, golden, at('2026-10-08')))).toBe('due_soon');
    expect(urgency(statutoryClocks(base, golden, at('2026-10-10')))).toBe('overdue');
    const decided = { ...base, status: 'accepted' as const, decidedAt: at('2026-10-09').toISOString(), acceptedAt: at('2026-10-09').toISOString() };
    expect(byId(statutoryClocks(decided, golden, at('2026-10-10')), 'acceptance').state).toBe('met');
  });

  it('serves the respondent within 5 working days of acceptance; the answer runs 10 working days from service', () => {
    const accepted = { ...base, status: 'accepted' as const, decidedAt: '2026-11-30T02:00:00Z', acceptedAt: '2026-11-30T02:00:00Z' };
    const service = byId(statutoryClocks(accepted, noHolidays, at('2026-12-01')), 'service');
    expect(service).toMatchObject({ startedOn: '2026-11-30', dueOn: '2026-12-07', state: 'running' });
    const served = { ...accepted, servedAt: at('2026-12-08').toISOString() };
    const clocks = statutoryClocks(served, noHolidays, at('2026-12-09'));
    expect(byId(clocks, 'service').state).toBe('missed');
    // Tuesday 8 December + 10 working days: Tuesday 22 December. The answer is the respondent's clock, never the inbox's red.
    expect(byId(clocks, 'answer')).toMatchObject({ duty: 'respondent', dueOn: '2026-12-22', state: 'running' });
    expect(byId(statutoryClocks(served, noHolidays, at('2026-12-23')), 'answer').state).toBe('overdue');
    expect(urgency(statutoryClocks({ ...served, servedAt: at('2026-12-07').toISOString() }, noHolidays, at('2026-12-23')))).toBeNull();
  });

  it('needs 5 working days between the hearing notice and the hearing, unless the simplified procedure waives it', () => {
    const accepted = { ...base, status: 'scheduled' as const, decidedAt: '2026-11-30T02:00:00Z', acceptedAt: '2026-11-30T02:00:00Z' };
    // Notice Tuesday 1 December: 2, 3, 4, 7, 8 December; the hearing may be held from Wednesday 9 December.
    const lawful = { ...accepted, hearings: [{ noticeAt: at('2026-12-01').toISOString(), scheduledAt: at('2026-12-09', '09:30').toISOString() }] };
    expect(byId(statutoryClocks(lawful, noHolidays, at('2026-12-01')), 'hearing_notice')).toMatchObject({ dueOn: '2026-12-09', state: 'met' });
    const short = { ...accepted, hearings: [{ noticeAt: at('2026-12-01').toISOString(), scheduledAt: at('2026-12-08', '09:30').toISOString() }] };
    const clocks = statutoryClocks(short, noHolidays, at('2026-12-01'));
    expect(byId(clocks, 'hearing_notice').state).toBe('overdue');
    expect(urgency(clocks)).toBe('overdue');
    expect(byId(statutoryClocks(short, noHolidays, at('2026-12-10')), 'hearing_notice').state).toBe('missed');
    // Both parties signed the 仲裁简易程序权利义务确认书 before the hearing: notice and answer periods waived.
    const waived = { ...short, servedAt: at('2026-12-01').toISOString(), simplifiedWaiverAt: at('2026-12-02').toISOString() };
    const waivedClocks = statutoryClocks(waived, noHolidays, at('2026-12-03'));
    expect(byId(waivedClocks, 'hearing_notice').state).toBe('waived');
    expect(byId(waivedClocks, 'answer').state).toBe('waived');
    expect(urgency(waivedClocks)).toBeNull();
    // A waiver signed after the hearing does not cover it.
    const tooLate = { ...short, simplifiedWaiverAt: at('2026-12-09').toISOString() };
    expect(byId(statutoryClocks(tooLate, noHolidays, at('2026-12-10')), 'hearing_notice').state).toBe('missed');
  });

  it('awards within 45 days of acceptance, extended once by up to 15 days, holidays moving the last day', () => {
    const accepted = { ...base, status: 'assigned' as const, decidedAt: '2026-09-01T02:00:00Z', acceptedAt: '2026-09-01T02:00:00Z' };
    // 1 September + 45 = Friday 16 October.
    expect(byId(statutoryClocks(accepted, golden, at('2026-09-02')), 'award')).toMatchObject({ basis: 'calendar', dueOn: '2026-10-16', state: 'running' });
    expect(byId(statutoryClocks(accepted, golden, at('2026-10-17')), 'award').state).toBe('overdue');
    // Extended by 15: Saturday 31 October → Monday 2 November.
    const extended = { ...accepted, awardExtensionDays: 15 };
    expect(byId(statutoryClocks(extended, golden, at('2026-10-17')), 'award')).toMatchObject({ dueOn: '2026-11-02', extendedDays: 15, state: 'running' });
    const ruled = { ...extended, status: 'ruled' as const, concludedAt: at('2026-11-02', '17:00').toISOString() };
    expect(byId(statutoryClocks(ruled, golden, at('2026-11-20')), 'award').state).toBe('met');
    // 45 days ending on a holiday: accepted 20 August + 45 = 4 October (holiday) → Friday 9 October.
    const holiday = { ...accepted, acceptedAt: at('2026-08-20').toISOString() };
    expect(byId(statutoryClocks(holiday, golden, at('2026-09-01')), 'award').dueOn).toBe('2026-10-09');
  });

  it('stops every clock but the decision when the application is refused', () => {
    const refused = { ...base, status: 'rejected' as const, decidedAt: at('2026-09-28').toISOString(), closedAt: at('2026-09-28').toISOString() };
    const clocks = statutoryClocks(refused, golden, at('2026-12-01'));
    expect(byId(clocks, 'acceptance').state).toBe('met');
    expect(byId(clocks, 'award').state).toBe('not_started');
    expect(urgency(clocks)).toBeNull();
  });

  it('buckets states for the statistics', () => {
    expect(['met', 'waived', 'missed', 'overdue', 'running', 'due_soon', 'not_started', 'stopped'].map((s) => complianceOf(s as never))).toEqual([
      'met', 'met', 'missed', 'missed', 'running', 'running', null, null,
    ]);
  });
});

describe('the one-year limitation warning', () => {
  it('does not run for wage arrears while the employment lasts', () => {
    expect(limitationWarning('wage_arrears', { ended: false, endedOn: null, knewOn: '2020-01-01' }, '2026-12-01')).toBeNull();
    expect(limitationWarning('wage_arrears', { ended: null, endedOn: null, knewOn: '2020-01-01' }, '2026-12-01')).toBeNull();
  });

  it('runs one year from the end of the employment for wage arrears', () => {
    expect(limitationWarning('wage_arrears', { ended: true, endedOn: '2025-11-30', knewOn: null }, '2026-12-01')).toEqual({
      code: 'LIMITATION_EXPIRED',
      expiredOn: '2026-11-30',
      from: 'ended',
    });
    expect(limitationWarning('wage_arrears', { ended: true, endedOn: '2025-12-01', knewOn: null }, '2026-12-01')).toMatchObject({ code: 'LIMITATION_NEAR' });
    expect(limitationWarning('wage_arrears', { ended: true, endedOn: '2026-06-01', knewOn: null }, '2026-12-01')).toBeNull();
  });

  it('runs one year from when the worker knew, for other disputes', () => {
    expect(limitationWarning('dismissal', { ended: true, endedOn: '2026-06-01', knewOn: '2025-10-01' }, '2026-12-01')).toMatchObject({
      code: 'LIMITATION_EXPIRED',
      from: 'knew',
    });
    expect(limitationWarning('dismissal', { ended: true, endedOn: null, knewOn: '2025-12-20' }, '2026-12-01')).toMatchObject({
      code: 'LIMITATION_NEAR',
      expiresOn: '2026-12-20',
    });
    expect(limitationWarning('dismissal', { ended: null, endedOn: null, knewOn: null }, '2026-12-01')).toBeNull();
    expect(oneYearAfter('2024-02-29')).toBe('2025-02-28');
  });
});
