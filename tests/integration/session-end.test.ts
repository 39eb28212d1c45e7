/**
 * Ending a session on the server, with node-side clients against a real
 * mediasoup worker, on SQLite and (with DATABASE_URL) PostgreSQL: only the
 * host ends it, a hearing only by closing; the end is logged before anything
 * else, lets everyone go with reason `ended`, closes the media room at once,
 * moves the case, survives a restart (replayed from the log) and refuses
 * every later join with SESSION_ENDED while the invitation still describes
 * the end. Ending twice answers the first end and logs once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { connect, joinRoom, nextEvent, ok, request, type ClientSocket } from '../helpers/signallingClient.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { storesUnderTest } from '../helpers/stores.ts';
import { caseStatusAfter } from '../../server/sessions/sessionEnd.ts';

describe('where the case goes when a session ends', () => {
  it('takes a hearing out of 庭审中 and a mediation to its next state', () => {
    const at = '2026-12-01T00:00:00.000Z';
    expect(caseStatusAfter({ at, by: 'x', mode: 'hearing', reason: 'closing', outcome: 'ruling' }, 'in_session')).toEqual({ to: 'ruled', outcome: 'award' });
    expect(caseStatusAfter({ at, by: 'x', mode: 'hearing', reason: 'closing', outcome: 'settlement' }, 'in_session')).toEqual({ to: 'ruled', outcome: 'agreement' });
    expect(caseStatusAfter({ at, by: 'x', mode: 'hearing', reason: 'closing', outcome: 'adjournment' }, 'in_session')).toEqual({ to: 'scheduled' });
    expect(caseStatusAfter({ at, by: 'x', mode: 'face_to_face', reason: 'no_agreement' }, 'in_session')).toEqual({ to: 'closed' });
    expect(caseStatusAfter({ at, by: 'x', mode: 'back_to_back', reason: 'adjourned' }, 'in_session')).toEqual({ to: 'scheduled' });
    // An agreement is signed in or right after the session: signing moves the case.
    expect(caseStatusAfter({ at, by: 'x', mode: 'face_to_face', reason: 'agreement' }, 'in_session')).toBeNull();
  });
});

describe.each(storesUnderTest)('ending a session on $name', (store) => {
  let t: TestServer;
  let databaseUrl: string | undefined;
  let cleanupStore: (() => Promise<void>) | undefined;
  let orgId = '';
  let mediator: Awaited<ReturnType<typeof seedStaff>>;
  let arbitrator: Awaited<ReturnType<typeof seedStaff>>;
  let clerk: Awaited<ReturnType<typeof seedStaff>>;
  const sockets: ClientSocket[] = [];
  let applicants = 100;

  beforeAll(async () => {
    const opened = await store.open();
    await opened.db.destroy();
    databaseUrl = opened.databaseUrl;
    cleanupStore = opened.cleanup;
    t = await startTestServer({ keepData: true, databaseUrl });
    orgId = (await seedOrganisation(t)).id;
    mediator = await seedStaff(t, orgId, 'mediator', 'end-mediator');
    arbitrator = await seedStaff(t, orgId, 'arbitrator', 'end-arbitrator');
    clerk = await seedStaff(t, orgId, 'clerk', 'end-clerk');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
    await cleanupStore?.().catch(() => undefined);
  });

  async function caseSession(mode: 'face_to_face' | 'hearing', host: typeof mediator) {
    const applicant = { ...application(orgId).applicant, idNumber: residentId(++applicants) };
    const created = await submitApplication(t, application(orgId, { applicant }));
    const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
    const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: host.id }, clerk.token);
    const session = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode, scheduledAt: new Date().toISOString() }, host.token);
    return { caseId, roomId: session.body.id };
  }

  async function socket(auth: { token: string; roomId?: string }) {
    const s = await connect(t.url, auth);
    sockets.push(s);
    return s;
  }

  it('only the host ends it; everyone is let go, the case moves, re-entry is refused', async () => {
    const { caseId, roomId } = await caseSession('face_to_face', mediator);
    const host = await socket({ token: mediator.token, roomId });
    await joinRoom(host);
    const partyToken = await t.partyToken(roomId, '张三', 'applicant');
    const party = await socket({ token: partyToken });
    await joinRoom(party);

    expect(await request(party, 'session:end', { reason: 'no_agreement' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(host, 'session:end', { reason: 'nonsense' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await t.server.db.selectFrom('session_events').select('id').where('room_id', '=', roomId).where('kind', '=', 'session.ended').execute()).toEqual([]);

    const letGo = nextEvent(party, 'room:closed');
    const end = await ok(host, 'session:end', { reason: 'no_agreement', note: '  分歧较大  ' });
    expect(end).toMatchObject({ mode: 'face_to_face', reason: 'no_agreement', note: '分歧较大', by: expect.any(String) });
    expect(await letGo).toEqual({ reason: 'ended' });
    expect(t.server.liveRooms.get(roomId)).toBeUndefined();
    const row = await t.server.db.selectFrom('cases').select(['status']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    const timeline = await t.server.db.selectFrom('case_status_events').select(['status', 'note']).where('case_id', '=', caseId).orderBy('at').execute();
    expect(timeline.at(-1)).toMatchObject({ status: 'closed', note: expect.stringContaining('未达成协议') });

    // The invitation still opens and says how it ended; joining is refused.
    const info = await t.api<{ ended: { reason: string; note: string } | null }>('GET', '/api/invitation', undefined, partyToken);
    expect(info.body.ended).toMatchObject({ reason: 'no_agreement', note: '分歧较大' });
    const back = await socket({ token: partyToken });
    expect(await request(back, 'room:capabilities', {})).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    expect(await request(back, 'room:join', { rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });

    // Forgotten and reloaded from the log (as after a restart): still ended; ending again logs nothing new.
    await expect.poll(() => t.server.sessions.size, { timeout: 10_000 }).toBe(0);
    const again = await socket({ token: mediator.token, roomId });
    expect(await request(again, 'room:join', { rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    expect(await ok(again, 'session:end', { reason: 'other' })).toMatchObject({ reason: 'no_agreement' });
    expect(await t.server.db.selectFrom('session_events').select('id').where('room_id', '=', roomId).where('kind', '=', 'session.ended').execute()).toHaveLength(1);
  });

  it('a hearing ends only by closing, which moves the case out of 庭审中', async () => {
    const { caseId, roomId } = await caseSession('hearing', arbitrator);
    const host = await socket({ token: arbitrator.token, roomId });
    await joinRoom(host);
    expect(await request(host, 'session:end', { reason: 'other' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    for (const phase of ['opening', 'notice', 'claims_defence', 'investigation', 'debate', 'mediation', 'final_statements'] as const) {
      await ok(host, 'session:phase', { phase });
    }
    await ok(host, 'session:phase', { phase: 'closing', outcome: 'settlement', note: '当庭调解达成协议' });
    const row = await t.server.db.selectFrom('cases').select(['status', 'outcome']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'ruled', outcome: 'agreement' });
    // The closing phase is logged, then the end (within the same millisecond, possibly).
    const events = await t.server.db.selectFrom('session_events').select(['kind', 'detail', 'at']).where('room_id', '=', roomId).orderBy('at').execute();
    const closing = events.find((e) => e.kind === 'phase.changed' && e.detail.includes('"closing"'))!;
    const endEvent = events.find((e) => e.kind === 'session.ended')!;
    expect(endEvent.at >= closing.at).toBe(true);
    expect(events.filter((e) => e.kind === 'session.ended')).toHaveLength(1);
    const audit = await t.server.db.selectFrom('audit_log').select('action').where('case_id', '=', caseId).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['session.session.ended', 'case.ruled']));
  });
});
