/**
 * The case domain through the real HTTP API and SQLite: applying with
 * evidence, what bad input gets (and that it stores nothing), the staff
 * workflow with its audit trail, counterclaims, live progress, ratings,
 * follow-ups, statistics and the mass-dispute warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { application, seedOrganisation, seedStaff, submitApplication, tinyPng, VALID_CREDIT_CODE } from '../helpers/cases.ts';
import { connect, joinRoom } from '../helpers/signallingClient.ts';
import { storesUnderTest } from '../helpers/stores.ts';

// The whole case flow runs on SQLite and, with DATABASE_URL, on PostgreSQL too.
describe.each(storesUnderTest)('cases on $name', (store) => {

let t: TestServer;
let orgId: string;
let clerk: Awaited<ReturnType<typeof seedStaff>>;
let mediator: Awaited<ReturnType<typeof seedStaff>>;
let foreignClerk: Awaited<ReturnType<typeof seedStaff>>;

let cleanupStore: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const opened = await store.open();
  await opened.db.destroy();
  cleanupStore = opened.cleanup;
  t = await startTestServer({ massDispute: { minCases: 3, windowDays: 30 }, databaseUrl: opened.databaseUrl });
  orgId = (await seedOrganisation(t)).id;
  const otherOrg = (await seedOrganisation(t, '北京市朝阳区劳动人事争议仲裁委员会')).id;
  clerk = await seedStaff(t, orgId, 'clerk', 'clerk1');
  mediator = await seedStaff(t, orgId, 'mediator', 'mediator1');
  foreignClerk = await seedStaff(t, otherOrg, 'clerk', 'clerk2');
});
afterAll(async () => {
  await t?.close();
  await cleanupStore?.().catch(() => undefined);
});

async function caseCount() {
  return (await t.api<{ cases: unknown[] }>('GET', '/api/cases', undefined, t.staffToken)).body.cases.length;
}

describe('applying online', () => {
  it('refuses bad fields in the page language and stores nothing', async () => {
    const before = await caseCount();
    const badId = await submitApplication(t, application(orgId, { applicant: { ...application(orgId).applicant, idNumber: '110105194912310021' } }));
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ code: 'INVALID_ID_NUMBER', field: 'applicant.idNumber' });
    expect(badId.body.message).toContain('身份证号码不正确');

    const badCode = await submitApplication(t, application(orgId, { employer: { ...application(orgId).employer, creditCode: '91350100M000100Y44' } }), [], 'en');
    expect(badCode.body).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'employer.creditCode' });
    expect(badCode.body.message).toBe('The unified social credit code is not valid');

    const missingName = await submitApplication(t, application(orgId, { applicant: { ...application(orgId).applicant, name: '' } }));
    expect(missingName.body).toMatchObject({ code: 'INVALID_FIELD', field: 'applicant.name', message: '请检查「申请人姓名」' });

    const badAmount = await submitApplication(t, application(orgId, { claims: [{ description: '工资', amount: 10.005 }] }));
    expect(badAmount.body).toMatchObject({ code: 'INVALID_AMOUNT' });

    const wrongType = await submitApplication(t, application(orgId), [{ name: '证据.exe', data: Buffer.from('MZ not an image') }]);
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.message).toBe('文件「证据.exe」不是图片或PDF');

    const tooBig = await submitApplication(t, application(orgId), [{ name: 'big.png', data: Buffer.concat([tinyPng, Buffer.alloc(10 * 1024 * 1024)]) }]);
    expect(tooBig.status).toBe(413);

    const unknownRegion = await submitApplication(t, application('00000000-0000-4000-8000-000000000000'));
    expect(unknownRegion.body).toMatchObject({ code: 'UNKNOWN_REGION' });

    expect(await caseCount()).toBe(before);
  });

  it('gives a serial number and tracking code, and refuses duplicates', async () => {
    const body = application(orgId);
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');
    const first = await submitApplication(t, body, [
      { name: '工资条.png', data: tinyPng },
      { name: '劳动合同.pdf', data: pdf },
    ]);
    expect(first.status).toBe(201);
    expect(first.body.serialNumber).toMatch(/^440305-\d{8}-\d{4}$/);
    expect(first.body.trackingCode).toMatch(/^[A-Z2-9]{8}$/);

    // The same form sent again (its answer was lost): the same numbers back, nothing stored twice.
    const before = await caseCount();
    const replay = await submitApplication(t, body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ serialNumber: first.body.serialNumber, trackingCode: first.body.trackingCode, limitation: null });
    expect(await caseCount()).toBe(before);
    const sameDispute = await submitApplication(t, { ...body, idempotencyKey: crypto.randomUUID() });
    expect(sameDispute.body).toMatchObject({ code: 'DUPLICATE_APPLICATION' });

    const progress = await t.api<{ status: string; timeline: { status: string }[] }>('POST', '/api/applications/progress', {
      serialNumber: first.body.serialNumber,
      trackingCode: first.body.trackingCode!.toLowerCase(),
    });
    expect(progress.body.status).toBe('submitted');
    const wrong = await t.api('POST', '/api/applications/progress', { serialNumber: first.body.serialNumber, trackingCode: 'AAAAAAAA' });
    expect(wrong.status).toBe(404);
  });
});

describe('the staff workflow', () => {
  it('moves a case from submitted to closed, live for the applicant, fully audited', async () => {
    const ok = await submitApplication(t, application(orgId, { applicant: { ...application(orgId).applicant, name: '李四', idNumber: '44030519900101123X' } }));
    expect(ok.status).toBe(201);
    const { serialNumber, trackingCode } = ok.body as { serialNumber: string; trackingCode: string };

    const watcher = io(`${t.url}/progress`, { auth: { serialNumber, trackingCode }, transports: ['websocket'], forceNew: true });
    const seen: string[] = [];
    watcher.on('case:progress', (view: { status: string }) => seen.push(view.status));
    await expect.poll(() => seen.length).toBeGreaterThan(0);

    const list = await t.api<{ cases: { id: string; serialNumber: string; sla: { responseOverdue: boolean } }[] }>('GET', '/api/cases', undefined, clerk.token);
    const row = list.body.cases.find((c) => c.serialNumber === serialNumber)!;
    expect(row.sla.responseOverdue).toBe(false);

    // A clerk of another organisation cannot see or touch it.
    expect((await t.api('GET', `/api/cases/${row.id}`, undefined, foreignClerk.token)).status).toBe(404);
    expect((await t.api('POST', `/api/cases/${row.id}/accept`, undefined, foreignClerk.token)).status).toBe(404);
    // A mediator may not accept.
    expect((await t.api('POST', `/api/cases/${row.id}/accept`, undefined, mediator.token)).status).toBe(404);

    const accepted = await t.api<{ respondentCode: string }>('POST', `/api/cases/${row.id}/accept`, undefined, clerk.token);
    expect(accepted.body.respondentCode).toMatch(/^[A-Z2-9]{8}$/);
    expect((await t.api('POST', `/api/cases/${row.id}/accept`, undefined, clerk.token)).body).toMatchObject({ code: 'INVALID_TRANSITION' });

    // The employer counterclaims with the code it was given.
    const form = new FormData();
    form.append('counterclaim', JSON.stringify({ serialNumber, respondentCode: accepted.body.respondentCode, facts: '申请人未经批准擅自离职造成损失。', claims: [{ description: '赔偿损失', amount: 2000 }] }));
    const counter = await fetch(`${t.url}/api/counterclaims`, { method: 'POST', body: form });
    expect(counter.status).toBe(201);
    const badCounter = new FormData();
    badCounter.append('counterclaim', JSON.stringify({ serialNumber, respondentCode: 'WRONGCODE', facts: 'x', claims: [{ description: 'x', amount: 1 }] }));
    const wrongCode = await fetch(`${t.url}/api/counterclaims`, { method: 'POST', body: badCounter });
    expect(wrongCode.status).toBe(404);
    expect(((await wrongCode.json()) as { message: string }).message).toBe('流水号或应诉码不正确');

    expect((await t.api('POST', `/api/cases/${row.id}/assign`, { userId: clerk.id }, clerk.token)).body).toMatchObject({ code: 'INVALID_ASSIGNEE' });
    expect((await t.api('POST', `/api/cases/${row.id}/assign`, { userId: mediator.id }, clerk.token)).status).toBe(200);
    const session = await t.api<{ id: string }>('POST', `/api/cases/${row.id}/sessions`, { mode: 'back_to_back', scheduledAt: new Date(Date.now() + 3600_000).toISOString() }, mediator.token);
    expect(session.status).toBe(201);

    // The applicant joins by invitation; the mediator's arrival starts the session.
    const invite = await t.api<{ token: string; shortCode: string }>('POST', `/api/rooms/${session.body.id}/invitations`, { displayName: '张三', role: 'applicant' }, mediator.token);
    const redeemed = await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { shortCode: invite.body.shortCode });
    const rateTooEarly = await t.api('POST', '/api/ratings', { score: 5, comment: '' }, redeemed.body.partyToken);
    expect(rateTooEarly.status).toBe(409);
    const host = await connect(t.url, { token: mediator.token, roomId: session.body.id });
    await joinRoom(host);
    host.close();

    await expect.poll(() => seen.at(-1)).toBe('in_session');
    expect(seen).toEqual(expect.arrayContaining(['submitted', 'accepted', 'assigned', 'scheduled', 'in_session']));

    expect((await t.api('POST', '/api/ratings', { score: 5, comment: '调解员很耐心' }, redeemed.body.partyToken)).status).toBe(201);
    expect((await t.api('POST', '/api/ratings', { score: 4, comment: 'again' }, redeemed.body.partyToken)).body).toMatchObject({ code: 'ALREADY_RATED' });

    expect((await t.api('POST', `/api/cases/${row.id}/conclude`, { status: 'agreement_signed', recoveredAmount: 6000 }, mediator.token)).status).toBe(200);
    expect((await t.api('POST', `/api/cases/${row.id}/follow-ups`, { channel: 'phone', performed: true, note: '已按协议支付6000元' }, mediator.token)).status).toBe(201);
    expect((await t.api('POST', `/api/cases/${row.id}/conclude`, { status: 'closed' }, clerk.token)).status).toBe(200);
    await expect.poll(() => seen.at(-1)).toBe('closed');
    watcher.close();

    const detail = await t.api<{ claims: { filedBy: string; amountCents: number }[]; counterclaimedCents: number; ratings: unknown[]; followUps: unknown[]; timeline: { status: string }[] }>(
      'GET',
      `/api/cases/${row.id}`,
      undefined,
      clerk.token,
    );
    expect(detail.body.claims.map((c) => [c.filedBy, c.amountCents])).toEqual([
      ['applicant', 800000],
      ['respondent', 200000],
    ]);
    expect(detail.body.counterclaimedCents).toBe(200000);
    expect(detail.body.ratings).toHaveLength(1);
    expect(detail.body.timeline.map((e) => e.status)).toEqual(['submitted', 'accepted', 'assigned', 'scheduled', 'in_session', 'agreement_signed', 'closed']);

    const audit = await t.api<{ entries: { action: string; actor: string; ip: string | null }[] }>('GET', `/api/cases/${row.id}/audit`, undefined, clerk.token);
    expect(audit.body.entries.map((e) => e.action)).toEqual([
      'application.submitted',
      'case.accepted',
      'counterclaim.filed',
      'case.assigned',
      'case.scheduled',
      'invitation.issued',
      'invitation.redeemed',
      'session.started',
      'rating.submitted',
      'case.agreement_signed',
      'followup.recorded',
      'case.closed',
    ]);
    expect(audit.body.entries.find((e) => e.action === 'case.accepted')).toMatchObject({ actor: '王书记员 (clerk)', ip: '127.0.0.1' });
  });
});

describe('managers’ numbers', () => {
  it('counts cases and warns of a mass dispute against one employer', async () => {
    for (const [i, name] of ['王五', '赵六', '孙七'].entries()) {
      const idNumber = ['110101199003074514', '110101199003077774', '11010119900307803X'][i]!;
      const res = await submitApplication(t, application(orgId, { applicant: { name, idNumber, phone: '13900139000', address: '湖南省' } }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const stats = await t.api<{ total: number; byType: Record<string, number>; massDisputes: { creditCode: string; applications: number }[]; recoveredCents: number; mediationSuccessRate: number }>(
      'GET',
      '/api/stats',
      undefined,
      clerk.token,
    );
    expect(stats.body.total).toBeGreaterThanOrEqual(5);
    expect(stats.body.recoveredCents).toBe(600000);
    expect(stats.body.mediationSuccessRate).toBe(1);
    expect(stats.body.massDisputes[0]).toMatchObject({ creditCode: VALID_CREDIT_CODE });
    expect(stats.body.massDisputes[0]!.applications).toBeGreaterThanOrEqual(3);
    const list = await t.api<{ cases: { massDispute: boolean }[] }>('GET', '/api/cases', undefined, clerk.token);
    expect(list.body.cases.every((c) => c.massDispute)).toBe(true);
    expect((await t.api('GET', '/api/stats', undefined, mediator.token)).status).toBe(403);
  });
});
});
