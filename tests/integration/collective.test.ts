/**
 * Collective disputes (集体争议) through the real HTTP API, on SQLite and
 * (with DATABASE_URL) PostgreSQL: a 12-worker application with 3
 * representatives from intake to a sealed agreement listing all 12 amounts
 * (read back with pdftotext); two separate applications merged and unmerged;
 * a co-worker joining by the first applicant's share link.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView } from '../../server/documents/documentService.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { SEED_WORKERS, collectiveApplication, creditCode, worker } from '../helpers/collective.ts';
import { fetchBytes, opensslVerify, pdfText } from '../helpers/documents.ts';
import { connect, joinRoom } from '../helpers/signallingClient.ts';
import { scribblePng } from '../helpers/signaturePng.ts';
import { storesUnderTest } from '../helpers/stores.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

const flat = (text: string) => text.replace(/\s+/g, '');
const yuan = (amount: number) => amount.toLocaleString('en-US', { minimumFractionDigits: 2 });

type Me = { serialNumber: string; collective: boolean; mergedFrom: string | null; me: { name: string; amountCents: number; representative: boolean } | null; canInvite: boolean; shareUrl: string | null; agreement: { documentId: string; version: number; sha256: string; consentedAt: string | null } | null };
type CollectiveView = { collective: boolean; totalCents: number; representativesOk: boolean; workers: { id: string; name: string; amountCents: number; representative: boolean; joinedVia: string; sourceSerialNumber: string | null; consent: { method: string } | null }[] };
type MergeView = { warning: { applications: number } | null; canMerge: boolean; candidates: { id: string; serialNumber: string }[]; merges: { sourceCaseId: string; unmergedAt: string | null }[] };

describe.each(storesUnderTest)('collective disputes on $name', (store) => {
  let t: TestServer;
  let orgId: string;
  let clerk: Awaited<ReturnType<typeof seedStaff>>;
  let mediator: Awaited<ReturnType<typeof seedStaff>>;
  let cleanupStore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const opened = await store.open();
    await opened.db.destroy();
    cleanupStore = opened.cleanup;
    t = await startTestServer({ databaseUrl: opened.databaseUrl, massDispute: { minCases: 2, windowDays: 30 } });
    orgId = (await seedOrganisation(t)).id;
    clerk = await seedStaff(t, orgId, 'clerk', 'col-clerk');
    mediator = await seedStaff(t, orgId, 'mediator', 'col-mediator');
  });
  afterAll(async () => {
    await t?.close();
    await cleanupStore?.().catch(() => undefined);
  });

  const caseIdOf = async (serialNumber: string) => {
    const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
    return list.body.cases.find((c) => c.serialNumber === serialNumber)?.id;
  };
  const me = (serialNumber: string, trackingCode: string) => t.api<Me & { code?: string }>('POST', '/api/collective/me', { serialNumber, trackingCode });
  const progress = (serialNumber: string, trackingCode: string) =>
    t.api<{ serialNumber: string; code?: string }>('POST', '/api/applications/progress', { serialNumber, trackingCode });
  const sign = (id: string, token: string, view: DocumentView, seed = 3) =>
    t.api<DocumentView & { code?: string }>('POST', `/api/documents/${id}/signatures`, { version: view.version!.number, sha256: view.version!.sha256, image: scribblePng(360, 140, seed).toString('base64') }, token);

  it('takes a 12-worker application with 3 representatives from intake to a sealed agreement listing every amount', async () => {
    // Intake checks every worker like the single applicant, and the representatives' number.
    const badId = collectiveApplication(orgId);
    badId.workers[3] = { ...badId.workers[3]!, idNumber: '110101199001011234' };
    const refused = await submitApplication(t, badId);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_ID_NUMBER', field: 'workers.3.idNumber' });
    expect((await submitApplication(t, collectiveApplication(orgId, [0, 1]))).body).toMatchObject({ code: 'REPRESENTATIVES_COUNT' });
    const twice = collectiveApplication(orgId);
    twice.workers[5] = { ...twice.workers[5]!, idNumber: twice.workers[4]!.idNumber };
    expect((await submitApplication(t, twice)).body).toMatchObject({ code: 'DUPLICATE_WORKER' });

    const form = collectiveApplication(orgId, [0, 4, 8]);
    const filed = await submitApplication(t, form);
    expect(filed.status).toBe(201);
    const { serialNumber, trackingCode } = filed.body as { serialNumber: string; trackingCode: string };
    const codes = (filed.body as unknown as { workers: { name: string; trackingCode: string }[] }).workers;
    expect(codes.map((c) => c.name)).toEqual(SEED_WORKERS.slice(1).map((w) => w.name));
    expect(new Set([trackingCode, ...codes.map((c) => c.trackingCode)]).size).toBe(12);
    // The same form again: the same numbers, nothing stored twice.
    const again = await submitApplication(t, form);
    expect(again.status).toBe(200);
    expect((again.body as unknown as { workers: unknown }).workers).toEqual(codes);

    // Each worker follows the case with its own code and sees its own amount.
    for (const [i, code] of codes.entries()) {
      expect((await progress(serialNumber, code.trackingCode)).body.serialNumber).toBe(serialNumber);
      const mine = await me(serialNumber, code.trackingCode);
      expect(mine.body.me).toMatchObject({ name: SEED_WORKERS[i + 1]!.name, amountCents: SEED_WORKERS[i + 1]!.amount * 100, representative: i + 1 === 4 || i + 1 === 8 });
      expect(mine.body.canInvite).toBe(false);
    }
    expect((await progress(serialNumber, 'WRONG123')).status).toBe(404);

    const caseId = (await caseIdOf(serialNumber))!;
    const view = await t.api<CollectiveView>('GET', `/api/cases/${caseId}/collective`, undefined, clerk.token);
    expect(view.body).toMatchObject({ collective: true, totalCents: 7_722_000, representativesOk: true });
    expect(view.body.workers.filter((w) => w.representative).map((w) => w.name)).toEqual(['陈大明', '刘志强', '郑丽娟']);
    const detail = await t.api<{ claimedCents: number }>('GET', `/api/cases/${caseId}`, undefined, clerk.token);
    expect(detail.body.claimedCents).toBe(7_722_000);
    // Electing fewer than three of twelve is refused; the election is recorded as it is.
    const ids = view.body.workers.map((w) => w.id);
    expect((await t.api<{ code: string }>('PUT', `/api/cases/${caseId}/collective/representatives`, { workerIds: ids.slice(0, 2) }, clerk.token)).body.code).toBe('REPRESENTATIVES_COUNT');
    const elected = await t.api<CollectiveView>('PUT', `/api/cases/${caseId}/collective/representatives`, { workerIds: [ids[0], ids[4], ids[8]] }, clerk.token);
    expect(elected.status).toBe(200);

    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
    const room = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date(Date.now() + 60_000).toISOString() }, mediator.token);
    expect(room.status).toBe(201);
    // Once a session is scheduled, nobody joins any more.
    expect((await t.api<Me>('POST', '/api/collective/me', { serialNumber, trackingCode })).body.canInvite).toBe(false);

    // The session invitations go to the three representatives, each bound to its signature place.
    const invited = await t.api<{ invitations: { name: string; slot: string; token: string }[] }>('POST', `/api/cases/${caseId}/collective/invitations`, { roomId: room.body.id }, mediator.token);
    expect(invited.status).toBe(201);
    expect(invited.body.invitations.map((i) => [i.name, i.slot])).toEqual([
      ['陈大明', 'representative_1'],
      ['刘志强', 'representative_2'],
      ['郑丽娟', 'representative_3'],
    ]);
    // A signing link for one representative (the agreements panel): only that one, bound to its place.
    const one = await t.api<{ invitations: { name: string; slot: string }[] }>('POST', `/api/cases/${caseId}/collective/invitations`, { roomId: room.body.id, slot: 'representative_2' }, mediator.token);
    expect(one.body.invitations.map((i) => [i.name, i.slot])).toEqual([['刘志强', 'representative_2']]);
    expect((await t.api('POST', `/api/cases/${caseId}/collective/invitations`, { roomId: room.body.id, slot: 'representative_4' }, mediator.token)).status).toBe(404);
    const repTokens: string[] = [];
    for (const invitation of invited.body.invitations) {
      repTokens.push((await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: invitation.token })).body.partyToken);
    }
    const employerInvite = await t.api<{ token: string }>('POST', `/api/rooms/${room.body.id}/invitations`, { displayName: '王经理', role: 'respondent' }, mediator.token);
    const respondentToken = (await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: employerInvite.body.token })).body.partyToken;

    const host = await connect(t.url, { token: mediator.token, roomId: room.body.id });
    await joinRoom(host);
    host.close();

    const created = await t.api<DocumentView>('POST', `/api/cases/${caseId}/documents`, { kind: 'mediation_agreement' }, mediator.token);
    expect(created.status).toBe(201);
    expect(created.body.requiredSigners).toEqual(['representative_1', 'representative_2', 'representative_3', 'respondent', 'host']);
    const terms = {
      ...created.body.terms,
      items: [{ description: '支付12名劳动者2026年8月至10月工资（各自金额见劳动者名单）', amountCents: 7_722_000, dueDate: '2026-12-31', method: 'bank_transfer' as const, account: '' }],
    };
    const edited = await t.api<DocumentView>('PUT', `/api/documents/${created.body.id}/draft`, { terms, revision: created.body.revision }, mediator.token);
    const sent = await t.api<DocumentView>('POST', `/api/documents/${created.body.id}/send`, { revision: edited.body.revision }, mediator.token);
    expect(sent.status).toBe(200);
    const v1 = sent.body;
    const repView = await t.api<DocumentView>('GET', `/api/documents/${v1.id}`, undefined, repTokens[1]);
    expect(repView.body.me).toMatchObject({ slot: 'representative_2', canSign: true });

    for (const [i, token] of repTokens.entries()) expect((await sign(v1.id, token, v1, i + 1)).status).toBe(201);
    expect((await sign(v1.id, respondentToken, v1, 7)).status).toBe(201);
    // The host's signature waits for every worker's consent to this exact version.
    const early = await sign(v1.id, mediator.token, v1, 9);
    expect(early.body.code).toBe('CONSENT_MISSING');

    const workerCodes = [trackingCode, ...codes.map((c) => c.trackingCode)];
    const consent = (code: string, sha256 = v1.version!.sha256) =>
      t.api<{ code?: string }>('POST', '/api/collective/consent', { serialNumber, trackingCode: code, documentId: v1.id, version: v1.version!.number, sha256 });
    expect((await consent(workerCodes[0]!, 'f'.repeat(64))).body.code).toBe('VERSION_CHANGED');
    for (const code of workerCodes.slice(0, 10)) expect((await consent(code)).status).toBe(201);
    expect((await consent(workerCodes[0]!)).body.code).toBe('ALREADY_CONSENTED');
    expect((await me(serialNumber, workerCodes[3]!)).body.agreement).toMatchObject({ documentId: v1.id, version: 1 });
    expect((await me(serialNumber, workerCodes[3]!)).body.agreement!.consentedAt).not.toBeNull();
    // Two workers without a smartphone: the mediator records the consent they gave in writing.
    const panel = await t.api<CollectiveView>('GET', `/api/cases/${caseId}/collective`, undefined, mediator.token);
    for (const w of panel.body.workers.filter((x) => !x.consent)) {
      const recorded = await t.api('POST', `/api/cases/${caseId}/collective/workers/${w.id}/consent`, { documentId: v1.id, version: 1, channel: 'written', note: '本人签字的书面确认书已拍照附卷' }, mediator.token);
      expect(recorded.status).toBe(201);
    }
    const foreign = await t.api('POST', `/api/cases/${caseId}/collective/workers/${panel.body.workers[0]!.id}/consent`, { documentId: v1.id, version: 1, channel: 'phone', note: '电话确认' }, (await seedStaff(t, null, 'mediator', 'col-other-mediator')).token);
    expect(foreign.status).toBe(404);

    const final = await sign(v1.id, mediator.token, v1, 9);
    expect(final.status).toBe(201);
    expect(final.body.status).toBe('final');
    const pdf = await fetchBytes(t, `/api/documents/${v1.id}/final.pdf`, mediator.token);
    expect(pdf.status).toBe(200);
    expect((await opensslVerify(pdf.bytes)).ok).toBe(true);
    const text = flat(await pdfText(pdf.bytes));
    for (const w of SEED_WORKERS) {
      expect(text, w.name).toContain(w.name);
      expect(text, `${w.name} ${w.amount}`).toContain(yuan(w.amount));
    }
    for (const w of form.workers) expect(text).toContain(w.idNumber);
    expect(text).toMatch(/合计12人—?77,220\.00/);
    expect(text).toContain('劳动者代表人（签名）');
    expect(text).toContain('陈大明等12名劳动者');
    expect(text.match(/劳动者确认同意/g)?.length).toBe(12);
    expect(text).toContain('本人签字的书面确认书已拍照附卷');
    if (process.env.COLLECTIVE_ARTIFACTS) {
      mkdirSync(process.env.COLLECTIVE_ARTIFACTS, { recursive: true });
      writeFileSync(path.join(process.env.COLLECTIVE_ARTIFACTS, `agreement-${store.name}.pdf`), pdf.bytes);
    }
    const audit = await t.api<{ entries: { action: string }[] }>('GET', `/api/cases/${caseId}/audit`, undefined, clerk.token);
    expect(audit.body.entries.filter((e) => e.action === 'collective.consent_recorded')).toHaveLength(12);
    // Twelve workers' consents, five signatures and a sealed PDF: slower than most on a busy machine.
  }, 120_000);

  it('merges two separate applications against one employer into a collective case and unmerges them', async () => {
    const employer = { name: '深圳市某电子厂', creditCode: creditCode(7), address: '深圳市南山区西丽', contact: '0755-26001234' };
    const a = await submitApplication(t, application(orgId, { applicant: { name: '张三', idNumber: residentId(801), phone: '13800138001', address: '湖南省衡阳市' }, employer, claims: [{ description: '支付拖欠工资', amount: 4200 }] }));
    const b = await submitApplication(t, application(orgId, { applicant: { name: '李四', idNumber: residentId(802), phone: '13800138002', address: '江西省赣州市' }, employer, claims: [{ description: '支付拖欠工资', amount: 3800 }] }));
    expect([a.status, b.status]).toEqual([201, 201]);
    const aId = (await caseIdOf(a.body.serialNumber!))!;
    const bId = (await caseIdOf(b.body.serialNumber!))!;

    // The mass-dispute warning proposes the merge.
    const proposal = await t.api<MergeView>('GET', `/api/cases/${aId}/merge`, undefined, clerk.token);
    expect(proposal.body.warning?.applications).toBe(2);
    expect(proposal.body.candidates.map((c) => c.id)).toEqual([bId]);
    // Only the clerk (or admin) of the organisation merges.
    expect((await t.api('POST', `/api/cases/${aId}/merge`, { caseIds: [bId] }, mediator.token)).status).not.toBe(200);
    expect((await t.api<{ code: string }>('POST', `/api/cases/${aId}/merge`, { caseIds: [aId] }, clerk.token)).body.code).toBe('MERGE_INVALID');

    const merged = await t.api<MergeView>('POST', `/api/cases/${aId}/merge`, { caseIds: [bId] }, clerk.token);
    expect(merged.status).toBe(200);
    expect(merged.body.merges).toMatchObject([{ sourceCaseId: bId, unmergedAt: null }]);
    const view = await t.api<CollectiveView>('GET', `/api/cases/${aId}/collective`, undefined, clerk.token);
    expect(view.body.workers.map((w) => [w.name, w.amountCents, w.joinedVia, w.sourceSerialNumber])).toEqual([
      ['张三', 420_000, 'intake', null],
      ['李四', 380_000, 'merge', b.body.serialNumber],
    ]);
    expect((await t.api<{ claimedCents: number }>('GET', `/api/cases/${aId}`, undefined, clerk.token)).body.claimedCents).toBe(800_000);
    // The merged application leaves the inbox; its own serial number and code now open the collective case.
    expect(await caseIdOf(b.body.serialNumber!)).toBeUndefined();
    expect((await progress(b.body.serialNumber!, b.body.trackingCode!)).body.serialNumber).toBe(a.body.serialNumber);
    expect((await me(b.body.serialNumber!, b.body.trackingCode!)).body).toMatchObject({ mergedFrom: b.body.serialNumber, me: { name: '李四' } });
    // Nobody acts on the merged application itself meanwhile.
    expect((await t.api<{ code: string }>('POST', `/api/cases/${bId}/accept`, undefined, clerk.token)).body.code).toBe('CASE_MERGED');
    const auditA = await t.api<{ entries: { action: string }[] }>('GET', `/api/cases/${aId}/audit`, undefined, clerk.token);
    expect(auditA.body.entries.map((e) => e.action)).toContain('collective.merged');
    const auditB = await t.api<{ entries: { action: string }[] }>('GET', `/api/cases/${bId}/audit`, undefined, clerk.token);
    expect(auditB.body.entries.map((e) => e.action)).toContain('collective.merged_into');

    // Unmerged: both stand on their own again.
    const unmerged = await t.api<MergeView>('POST', `/api/cases/${aId}/unmerge`, { caseId: bId }, clerk.token);
    expect(unmerged.status).toBe(200);
    expect((await t.api<CollectiveView>('GET', `/api/cases/${aId}/collective`, undefined, clerk.token)).body).toMatchObject({ collective: false, workers: [] });
    expect((await t.api<{ claimedCents: number }>('GET', `/api/cases/${aId}`, undefined, clerk.token)).body.claimedCents).toBe(420_000);
    expect(await caseIdOf(b.body.serialNumber!)).toBe(bId);
    expect((await progress(b.body.serialNumber!, b.body.trackingCode!)).body.serialNumber).toBe(b.body.serialNumber);
    expect((await t.api<{ code: string }>('POST', `/api/cases/${aId}/unmerge`, { caseId: bId }, clerk.token)).body.code).toBe('NOT_MERGED');

    // Merged again, then a session is scheduled: the merge can no longer be undone.
    expect((await t.api('POST', `/api/cases/${aId}/merge`, { caseIds: [bId] }, clerk.token)).status).toBe(200);
    await t.api('POST', `/api/cases/${aId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${aId}/assign`, { userId: mediator.id }, clerk.token);
    await t.api('POST', `/api/cases/${aId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date(Date.now() + 60_000).toISOString() }, clerk.token);
    expect((await t.api<{ code: string }>('POST', `/api/cases/${aId}/unmerge`, { caseId: bId }, clerk.token)).body.code).toBe('UNMERGE_CLOSED');
    expect((await t.api<MergeView>('GET', `/api/cases/${aId}/merge`, undefined, clerk.token)).body.canMerge).toBe(false);
  });

  it('adds a co-worker by the first applicant’s share link without retyping the employer', async () => {
    const employer = { name: '深圳市某物流有限公司', creditCode: creditCode(9), address: '深圳市宝安区', contact: '0755-27001234' };
    const first = await submitApplication(t, application(orgId, { applicant: { name: '王五', idNumber: residentId(901), phone: '13800139001', address: '广西南宁市' }, employer }));
    const serialNumber = first.body.serialNumber!;
    const before = await me(serialNumber, first.body.trackingCode!);
    expect(before.body).toMatchObject({ collective: false, canInvite: true, shareUrl: null });

    const shared = await t.api<{ shareUrl: string; shareCode: string }>('POST', '/api/collective/share', { serialNumber, trackingCode: first.body.trackingCode });
    expect(shared.status).toBe(200);
    expect(shared.body.shareUrl).toBe(`${t.url}/collective#code=${shared.body.shareCode}`);
    expect((await me(serialNumber, first.body.trackingCode!)).body.shareUrl).toBe(shared.body.shareUrl);

    const info = await t.api<{ employerName: string; serialNumber: string; firstApplicant: string; open: boolean }>('POST', '/api/collective/join-info', { shareCode: shared.body.shareCode });
    expect(info.body).toMatchObject({ employerName: '深圳市某物流有限公司', serialNumber, firstApplicant: '王五', open: true });
    expect((await t.api<{ code: string }>('POST', '/api/collective/join-info', { shareCode: 'NOSUCHCODE' })).body.code).toBe('SHARE_LINK_INVALID');

    const key = crypto.randomUUID();
    const joiner = worker(31, '钱六', 5100);
    const badJoin = await t.api<{ code: string; field: string }>('POST', '/api/collective/join', { shareCode: shared.body.shareCode, idempotencyKey: crypto.randomUUID(), worker: { ...joiner, idNumber: '110101199001011234' } });
    expect(badJoin.body).toMatchObject({ code: 'INVALID_ID_NUMBER' });
    const joined = await t.api<{ serialNumber: string; trackingCode: string }>('POST', '/api/collective/join', { shareCode: shared.body.shareCode, idempotencyKey: key, worker: joiner });
    expect(joined.status).toBe(201);
    expect(joined.body.serialNumber).toBe(serialNumber);
    const replay = await t.api<{ trackingCode: string }>('POST', '/api/collective/join', { shareCode: shared.body.shareCode, idempotencyKey: key, worker: joiner });
    expect(replay.status).toBe(200);
    expect(replay.body.trackingCode).toBe(joined.body.trackingCode);
    expect((await t.api<{ code: string }>('POST', '/api/collective/join', { shareCode: shared.body.shareCode, idempotencyKey: crypto.randomUUID(), worker: joiner })).body.code).toBe('DUPLICATE_WORKER');
    // A co-worker cannot hand out the link: only the first applicant invites.
    expect((await t.api<{ code: string }>('POST', '/api/collective/share', { serialNumber, trackingCode: joined.body.trackingCode })).body.code).toBe('FIRST_APPLICANT_ONLY');

    expect((await progress(serialNumber, joined.body.trackingCode)).body.serialNumber).toBe(serialNumber);
    expect((await me(serialNumber, joined.body.trackingCode)).body.me).toMatchObject({ name: '钱六', amountCents: 510_000 });
    const caseId = (await caseIdOf(serialNumber))!;
    const view = await t.api<CollectiveView>('GET', `/api/cases/${caseId}/collective`, undefined, clerk.token);
    expect(view.body.workers.map((w) => [w.name, w.joinedVia])).toEqual([
      ['王五', 'intake'],
      ['钱六', 'share_link'],
    ]);
    expect((await t.api<{ claimedCents: number }>('GET', `/api/cases/${caseId}`, undefined, clerk.token)).body.claimedCents).toBe(800_000 + 510_000);

    // Once a session is scheduled, the link no longer adds anyone.
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date(Date.now() + 60_000).toISOString() }, clerk.token);
    const late = await t.api<{ code: string }>('POST', '/api/collective/join', { shareCode: shared.body.shareCode, idempotencyKey: crypto.randomUUID(), worker: worker(32, '孙七', 4000) });
    expect(late.body.code).toBe('COLLECTIVE_CLOSED');
  });
});
