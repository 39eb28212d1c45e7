/**
 * Statutory clocks through the real HTTP API and store: the clocks in the
 * case list and detail (with configured holidays), the steps they wait for,
 * the commission's one extension of the award period (logged), the
 * limitation warning at intake, and region codes checked against GB/T 2260.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { application, residentId, seedStaff, submitApplication } from '../helpers/cases.ts';
import { storesUnderTest } from '../helpers/stores.ts';
import { addDays, calendarFrom, chinaDate, workingPeriodEnd, type StatutoryClock } from '../../server/cases/statutoryClocks.ts';

interface ClockView {
  kind: string;
  urgency: string | null;
  clocks: StatutoryClock[];
  extension: { days: number; reason: string; approvedBy: string } | null;
  limitation: { code: string } | null;
}
const clockOf = (view: ClockView, id: string) => view.clocks.find((c) => c.id === id)!;

describe.each(storesUnderTest)('statutory clocks on $name', (store) => {
  // The next seven days are holidays: every working-day period starts after them.
  const today = chinaDate(new Date());
  const holidays = `${addDays(today, 1)}..${addDays(today, 7)}`;
  const calendar = calendarFrom(holidays, undefined);
  let t: TestServer;
  let commissionId: string;
  let mediationId: string;
  let clerk: Awaited<ReturnType<typeof seedStaff>>;
  let arbitrator: Awaited<ReturnType<typeof seedStaff>>;
  let cleanupStore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const opened = await store.open();
    await opened.db.destroy();
    cleanupStore = opened.cleanup;
    t = await startTestServer({ databaseUrl: opened.databaseUrl, calendar });
    const commission = await t.api<{ id: string; province: string; city: string; county: string }>(
      'POST',
      '/api/organisations',
      { name: '深圳市劳动人事争议仲裁院', kind: 'arbitration_commission', regionCode: '440300' },
      t.staffToken,
    );
    expect(commission.status).toBe(201);
    // The names come from the GB/T 2260 data, not from what was typed.
    expect(commission.body).toMatchObject({ province: '广东省', city: '深圳市', county: '' });
    commissionId = commission.body.id;
    mediationId = (
      await t.api<{ id: string }>('POST', '/api/organisations', { name: '南山区调解中心', kind: 'mediation_organisation', regionCode: '440305' }, t.staffToken)
    ).body.id;
    clerk = await seedStaff(t, commissionId, 'clerk', 'clerk-clocks');
    arbitrator = await seedStaff(t, commissionId, 'arbitrator', 'arb-clocks');
  });
  afterAll(async () => {
    await t?.close();
    await cleanupStore?.().catch(() => undefined);
  });

  it('refuses region codes the GB/T 2260 data does not know, or that the organisation does not serve', async () => {
    const regions = await t.api<{ regions: [string, string, unknown[]][] }>('GET', '/api/public/regions');
    expect(regions.body.regions).toHaveLength(31);
    const unknownOrg = await t.api('POST', '/api/organisations', { name: '某某调解中心', kind: 'mediation_organisation', regionCode: '449999' }, t.staffToken);
    expect(unknownOrg.status).toBe(400);
    expect(unknownOrg.body).toMatchObject({ code: 'UNKNOWN_REGION_CODE' });
    const unknown = await submitApplication(t, application(commissionId, { regionCode: '440399' }));
    expect(unknown).toMatchObject({ status: 400, body: { code: 'UNKNOWN_REGION', field: 'regionCode' } });
    // 福田区 is Shenzhen's (the commission serves the whole city); 天河区 is Guangzhou's.
    const elsewhere = await submitApplication(t, application(commissionId, { regionCode: '440106' }));
    expect(elsewhere).toMatchObject({ status: 400, body: { code: 'REGION_NOT_SERVED' } });
    const nanshanOnly = await submitApplication(t, application(mediationId, { regionCode: '440304' }));
    expect(nanshanOnly.body.code).toBe('REGION_NOT_SERVED');
  });

  it('warns about the limitation period without refusing, and shows it to the clerk', async () => {
    const body = application(commissionId, {
      regionCode: '440304',
      disputeType: 'dismissal',
      applicant: { ...application(commissionId).applicant, idNumber: residentId(101) },
      employment: { ended: true, endedOn: '2024-05-31', knewOn: '2024-05-31' },
    });
    const created = await submitApplication(t, body);
    expect(created.status).toBe(201);
    expect(created.body.limitation).toMatchObject({ code: 'LIMITATION_EXPIRED', expiredOn: '2025-05-31', from: 'knew' });
    const { cases } = (await t.api<{ cases: { serialNumber: string; regionCode: string; statutory: ClockView }[] }>('GET', '/api/cases', undefined, clerk.token)).body;
    const row = cases.find((c) => c.serialNumber === created.body.serialNumber)!;
    expect(row.regionCode).toBe('440304');
    expect(row.statutory.limitation).toMatchObject({ code: 'LIMITATION_EXPIRED' });
    const future = await submitApplication(t, { ...body, idempotencyKey: crypto.randomUUID(), employment: { ended: true, endedOn: '2999-01-01' } });
    expect(future.body).toMatchObject({ code: 'INVALID_DATE', field: 'employment.endedOn' });
  });

  it('runs the arbitration clocks over the configured holidays, and records service and answer', async () => {
    const created = await submitApplication(t, application(commissionId, { regionCode: '440305' }));
    const caseId = (await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token)).body.cases.find(
      (c) => c.serialNumber === created.body.serialNumber,
    )!.id;
    let detail = (await t.api<{ statutory: ClockView }>('GET', `/api/cases/${caseId}`, undefined, clerk.token)).body.statutory;
    expect(detail.kind).toBe('arbitration');
    expect(clockOf(detail, 'acceptance')).toMatchObject({ state: 'running', basis: 'working', dueOn: workingPeriodEnd(today, 5, calendar) });
    expect(clockOf(detail, 'acceptance').dueOn! > addDays(today, 7)).toBe(true);

    expect((await t.api('POST', `/api/cases/${caseId}/steps`, { step: 'served' }, clerk.token)).body).toMatchObject({ code: 'NOT_ACCEPTED' });
    expect((await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token)).status).toBe(200);
    detail = (await t.api<{ statutory: ClockView }>('GET', `/api/cases/${caseId}`, undefined, clerk.token)).body.statutory;
    expect(clockOf(detail, 'acceptance').state).toBe('met');
    expect(clockOf(detail, 'service')).toMatchObject({ state: 'running', dueOn: workingPeriodEnd(today, 5, calendar) });
    // 45 calendar days, the last one moved off a weekend if it falls on one.
    expect(clockOf(detail, 'award').basis).toBe('calendar');
    expect(clockOf(detail, 'award').dueOn! >= addDays(today, 45)).toBe(true);

    const served = await t.api<ClockView>('POST', `/api/cases/${caseId}/steps`, { step: 'served' }, clerk.token);
    expect(served.status).toBe(200);
    expect(clockOf(served.body, 'service').state).toBe('met');
    expect(clockOf(served.body, 'answer')).toMatchObject({ state: 'running', duty: 'respondent', dueOn: workingPeriodEnd(today, 10, calendar) });
    expect((await t.api('POST', `/api/cases/${caseId}/steps`, { step: 'served' }, clerk.token)).body).toMatchObject({ code: 'ALREADY_RECORDED' });

    // A hearing two days after its notice: too short (5 working days), so the case is overdue in the inbox.
    expect((await t.api('POST', `/api/cases/${caseId}/assign`, { userId: arbitrator.id }, clerk.token)).status).toBe(200);
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect((await t.api('POST', `/api/cases/${caseId}/sessions`, { mode: 'hearing', scheduledAt: soon }, clerk.token)).status).toBe(201);
    const { cases } = (await t.api<{ cases: { id: string; statutory: ClockView }[] }>('GET', '/api/cases', undefined, clerk.token)).body;
    const listed = cases.find((c) => c.id === caseId)!.statutory;
    expect(clockOf(listed, 'hearing_notice').state).toBe('overdue');
    expect(listed.urgency).toBe('overdue');

    const audit = (await t.api<{ entries: { action: string }[] }>('GET', `/api/cases/${caseId}/audit`, undefined, clerk.token)).body.entries;
    expect(audit.map((e) => e.action)).toContain('case.served');
  });

  it('extends the award period once, by at most 15 days, with the commission’s approval, logged', async () => {
    const created = await submitApplication(t, application(commissionId, { applicant: { ...application(commissionId).applicant, idNumber: residentId(102) } }));
    const caseId = (await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token)).body.cases.find(
      (c) => c.serialNumber === created.body.serialNumber,
    )!.id;
    const approval = { days: 15, reason: '案情复杂，需要鉴定', approvedBy: '仲裁委主任 陈某' };
    expect((await t.api('POST', `/api/cases/${caseId}/award-extension`, approval, clerk.token)).body).toMatchObject({ code: 'NOT_EXTENDABLE' });
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: arbitrator.id }, clerk.token);
    const before = clockOf((await t.api<{ statutory: ClockView }>('GET', `/api/cases/${caseId}`, undefined, clerk.token)).body.statutory, 'award');

    expect((await t.api('POST', `/api/cases/${caseId}/award-extension`, { ...approval, days: 16 }, clerk.token)).status).toBe(400);
    expect((await t.api('POST', `/api/cases/${caseId}/award-extension`, approval, arbitrator.token)).status).toBe(403);
    const extended = await t.api<ClockView>('POST', `/api/cases/${caseId}/award-extension`, approval, clerk.token);
    expect(extended.status).toBe(200);
    const after = clockOf(extended.body, 'award');
    expect(after.extendedDays).toBe(15);
    expect(after.dueOn! >= addDays(before.startedOn!, 60)).toBe(true);
    expect(after.dueOn! > before.dueOn!).toBe(true);
    expect(extended.body.extension).toMatchObject({ days: 15, reason: approval.reason, approvedBy: approval.approvedBy });

    const again = await t.api('POST', `/api/cases/${caseId}/award-extension`, { ...approval, days: 5 }, clerk.token);
    expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_EXTENDED' } });
    const audit = (await t.api<{ entries: { action: string; detail: Record<string, unknown> }[] }>('GET', `/api/cases/${caseId}/audit`, undefined, clerk.token)).body
      .entries;
    const logged = audit.filter((e) => e.action === 'case.award_extended');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.detail).toMatchObject({ days: 15, reason: approval.reason, approvedBy: approval.approvedBy, previousDueOn: before.dueOn });
  });

  it('tells the applicant on /track when the 15 days of mediation run out', async () => {
    const created = await submitApplication(t, application(mediationId, { applicant: { ...application(mediationId).applicant, idNumber: residentId(103) } }));
    const progress = await t.api<{ mediationDueOn: string; mayApplyForArbitration: boolean }>('POST', '/api/applications/progress', {
      serialNumber: created.body.serialNumber,
      trackingCode: created.body.trackingCode,
    });
    expect(progress.status).toBe(200);
    // 15 calendar days; the last day is moved off a weekend.
    expect(progress.body.mediationDueOn >= addDays(today, 15)).toBe(true);
    expect(progress.body.mayApplyForArbitration).toBe(false);
    const extension = await t.api(
      'POST',
      `/api/cases/${(await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, t.staffToken)).body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id}/award-extension`,
      { days: 5, reason: '测试', approvedBy: '主任' },
      t.staffToken,
    );
    expect(extension.body).toMatchObject({ code: 'NOT_ARBITRATION' });
  });

  it('counts each clock’s compliance in the statistics', async () => {
    const stats = (await t.api<{ statutory: { compliance: Record<string, { met: number; missed: number; running: number }>; statutoryOverdue: number } }>(
      'GET',
      '/api/stats',
      undefined,
      clerk.token,
    )).body.statutory;
    expect(stats.compliance.acceptance!.met).toBeGreaterThanOrEqual(2);
    expect(stats.compliance.service).toMatchObject({ met: 1 });
    expect(stats.compliance.hearing_notice).toMatchObject({ missed: 1 });
    expect(stats.statutoryOverdue).toBeGreaterThanOrEqual(1);
  });
});
