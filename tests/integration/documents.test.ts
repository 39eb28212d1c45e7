/**
 * Documents signed online through the real HTTP API and the /documents
 * namespace, on SQLite and (with DATABASE_URL) PostgreSQL: the live draft
 * reaches the parties, sending freezes a version, each party signs that
 * exact version, an edit after a signature voids it, the host's signature
 * seals the final PDF (images in place, audit pages, PKCS#7), the register
 * answers for the final file and not for a changed byte, downloads and the
 * judicial-confirmation package.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView, VerifyResult } from '../../server/documents/documentService.ts';
import { checkPdfSignature } from '../../server/documents/pdf/verifySignature.ts';
import { charactersWithoutGlyphs, fetchBytes, opensslVerify, pdfImages, pdfText, signingCase, type SigningCase } from '../helpers/documents.ts';
import { connect, joinRoom } from '../helpers/signallingClient.ts';
import { scribblePng } from '../helpers/signaturePng.ts';
import { storesUnderTest } from '../helpers/stores.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { seedOrganisation, seedStaff } from '../helpers/cases.ts';

const run = promisify(execFile);
/** pdftotext breaks lines and drops narrow spaces: compare without whitespace. */
const flat = (text: string) => text.replace(/\s+/g, '');

describe.each(storesUnderTest)('documents on $name', (store) => {
  let t: TestServer;
  let c: SigningCase;
  let cleanupStore: (() => Promise<void>) | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const opened = await store.open();
    await opened.db.destroy();
    cleanupStore = opened.cleanup;
    t = await startTestServer({ databaseUrl: opened.databaseUrl });
    c = await signingCase(t);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
    await cleanupStore?.().catch(() => undefined);
  });

  function watch(auth: Record<string, string>): { socket: Socket; seen: DocumentView[] } {
    const seen: DocumentView[] = [];
    const socket = io(`${t.url}/documents`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('document:draft', (view: DocumentView) => seen.push(view));
    sockets.push(socket);
    return { socket, seen };
  }

  const sign = (id: string, token: string, view: DocumentView, png = scribblePng(360, 140, 3)) =>
    t.api<DocumentView & { code?: string }>('POST', `/api/documents/${id}/signatures`, { version: view.version!.number, sha256: view.version!.sha256, image: png.toString('base64') }, token);

  it('drafts live, voids on edit, seals when the host signs last, and verifies', async () => {
    // The host has entered the session: the case is in session, so the signed agreement concludes it.
    const host = await connect(t.url, { token: c.mediator.token, roomId: c.roomId });
    await joinRoom(host);
    host.close();

    const applicantPhone = watch({ token: c.applicantToken });
    const console_ = watch({ token: c.mediator.token, caseId: c.caseId });
    await new Promise<void>((resolve) => applicantPhone.socket.once('documents:ready', () => resolve()));

    const created = await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'mediation_agreement' }, c.mediator.token);
    expect(created.status).toBe(201);
    const doc = created.body;
    expect(doc).toMatchObject({ status: 'draft', revision: 1, title: '劳动人事争议调解协议书', requiredSigners: ['applicant', 'respondent', 'host'] });
    expect(doc.me).toMatchObject({ slot: 'host', canDraft: true, canSign: false });
    await expect.poll(() => applicantPhone.seen.some((v) => v.id === doc.id)).toBe(true);

    // Parties may read but not draft; another organisation cannot even see it.
    expect((await t.api('PUT', `/api/documents/${doc.id}/draft`, { terms: doc.terms, revision: 1 }, c.applicantToken)).status).toBe(401);
    const otherOrg = (await seedOrganisation(t, '北京市朝阳区劳动人事争议仲裁委员会')).id;
    const foreignClerk = await seedStaff(t, otherOrg, 'clerk', 'doc-foreign-clerk');
    expect((await t.api('GET', `/api/documents/${doc.id}`, undefined, foreignClerk.token)).status).toBe(404);
    const partyView = await t.api<DocumentView>('GET', `/api/documents/${doc.id}`, undefined, c.applicantToken);
    expect(partyView.body.me).toMatchObject({ slot: 'applicant', canDraft: false, canSign: false });

    // The mediator edits the terms; the phone sees them as the document will read.
    const terms = {
      ...doc.terms,
      items: [{ description: '支付2026年8月至10月拖欠工资', amountCents: 800_000, dueDate: '2026-12-31', method: 'bank_transfer' as const, account: '中国工商银行 6222000012345678901' }],
    };
    const edited = await t.api<DocumentView>('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: 1 }, c.mediator.token);
    expect(edited.status).toBe(200);
    expect(edited.body.revision).toBe(2);
    await expect
      .poll(() => JSON.stringify(applicantPhone.seen.filter((v) => v.id === doc.id).at(-1)?.content.blocks ?? []))
      .toContain('捌仟元整');
    expect((await t.api<{ code: string }>('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: 1 }, c.mediator.token)).body.code).toBe('CONFLICT');

    // A composed recording of the session: the agreement prints its manifest's hash, the package carries the manifest.
    const recordingId = randomUUID();
    const manifest = `${JSON.stringify({ format: 'yunting-recording-manifest/1', recordingId })}\n`;
    const manifestSha = createHash('sha256').update(manifest).digest('hex');
    mkdirSync(path.join(t.dataDir, 'recordings', c.roomId, recordingId), { recursive: true });
    writeFileSync(path.join(t.dataDir, 'recordings', c.roomId, recordingId, 'manifest.json'), manifest);
    const now = new Date().toISOString();
    await t.server.db
      .insertInto('recordings')
      .values({ id: recordingId, room_id: c.roomId, case_id: c.caseId, status: 'composed', started_at: now, ended_at: now, composed_file: null, composed_sha256: null, composed_bytes: null, composed_duration_s: 60, manifest_sha256: manifestSha, error: null })
      .execute();

    // Sending freezes version 1.
    const sent = await t.api<DocumentView>('POST', `/api/documents/${doc.id}/send`, { revision: 2 }, c.mediator.token);
    expect(sent.status).toBe(200);
    const v1 = sent.body;
    expect(v1.status).toBe('signing');
    expect(v1.version).toMatchObject({ number: 1, signers: ['applicant', 'respondent', 'host'] });
    expect(v1.version!.sha256).toMatch(/^[0-9a-f]{64}$/);

    const pdf1 = await fetchBytes(t, `/api/documents/${doc.id}/versions/1/pdf`, c.applicantToken);
    expect(pdf1.status).toBe(200);
    expect(pdf1.headers.get('x-content-sha256')).toBe(v1.version!.sha256);
    const text1 = flat(await pdfText(pdf1.bytes));
    for (const expected of ['劳动人事争议调解协议书', '张三', '11010519491231002X', '深圳市某建筑工程有限公司', '李调解员', '拖欠工资', '人民币8,000.00元', '捌仟元整', '2026年12月31日', '履行条款', '第1页共2页', `录像清单SHA-256为${manifestSha}`]) {
      expect(text1, expected).toContain(expected);
    }
    const page = await fetchBytes(t, `/api/documents/${doc.id}/versions/1/pages/1`, c.applicantToken);
    expect(page.status).toBe(200);
    expect(page.bytes.subarray(1, 4).toString()).toBe('PNG');

    // The host signs last; a blank pad and a stale version are refused.
    expect((await sign(doc.id, c.mediator.token, v1)).body.code).toBe('PARTIES_FIRST');
    expect((await sign(doc.id, c.applicantToken, v1, scribblePng(360, 140, 1, true))).body.code).toBe('EMPTY_SIGNATURE');
    expect((await sign(doc.id, c.applicantToken, { ...v1, version: { ...v1.version!, sha256: 'f'.repeat(64) } })).body.code).toBe('VERSION_CHANGED');
    const applicantSigned = await sign(doc.id, c.applicantToken, v1);
    expect(applicantSigned.status).toBe(201);
    expect(applicantSigned.body.me).toMatchObject({ slot: 'applicant', signed: true, canSign: false });
    expect((await sign(doc.id, c.applicantToken, v1)).body.code).toBe('ALREADY_SIGNED');

    // An edit after a signature makes version 2 and voids the signature on version 1.
    const amended = await t.api<DocumentView>('PUT', `/api/documents/${doc.id}/draft`, { terms: { ...terms, otherTerms: '双方确认本协议履行完毕后再无其他争议。' }, revision: applicantSigned.body.revision }, c.mediator.token);
    expect(amended.status).toBe(200);
    const v2 = amended.body;
    expect(v2.version!.number).toBe(2);
    expect(v2.signatures).toEqual([]);
    expect((await sign(doc.id, c.respondentToken, v1)).body.code).toBe('VERSION_CHANGED');
    await expect.poll(() => applicantPhone.seen.filter((v) => v.id === doc.id).at(-1)?.version?.number).toBe(2);

    expect((await sign(doc.id, c.applicantToken, v2)).status).toBe(201);
    expect((await sign(doc.id, c.respondentToken, v2, scribblePng(300, 120, 5))).status).toBe(201);
    const sealed = await sign(doc.id, c.mediator.token, v2, scribblePng(320, 120, 7));
    expect(sealed.status).toBe(201);
    expect(sealed.body.status).toBe('final');
    expect(sealed.body.final!.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => console_.seen.filter((v) => v.id === doc.id).at(-1)?.status).toBe('final');
    expect((await t.api<{ status: string }>('GET', `/api/cases/${c.caseId}`, undefined, c.clerk.token)).body.status).toBe('agreement_signed');

    // The final PDF: three signatures in place, the audit pages, a valid PKCS#7 signature over all of it.
    const final = await fetchBytes(t, `/api/documents/${doc.id}/final.pdf`, c.clerk.token);
    expect(final.status).toBe(200);
    expect(final.headers.get('x-content-sha256')).toBe(sealed.body.final!.sha256);
    expect((await pdfImages(final.bytes)).length).toBeGreaterThanOrEqual(3);
    expect(await charactersWithoutGlyphs(final.bytes)).toEqual([]);
    const finalText = flat(await pdfText(final.bytes));
    for (const expected of ['签署审计记录', v2.version!.sha256, v1.version!.sha256, '签名作废', '张三', '王经理', '定稿', '第2版']) expect(finalText, expected).toContain(expected);
    const signature = checkPdfSignature(final.bytes, t.server.documents.trustedFingerprints());
    expect(signature).toMatchObject({ present: true, valid: true, coversWholeFile: true });
    expect(signature.signer).toContain('Yunting development');
    expect((await opensslVerify(final.bytes)).ok).toBe(true);
    // Parties take their copy too.
    expect((await fetchBytes(t, `/api/documents/${doc.id}/final.pdf`, c.respondentToken)).status).toBe(200);

    // The register: the final file answers, a changed byte does not, an unsigned version says so.
    const verified = await fetch(`${t.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(final.bytes) });
    const result = (await verified.json()) as VerifyResult;
    expect(result).toMatchObject({ registered: true, sha256: sealed.body.final!.sha256, signature: { present: true, valid: true, certificate: { ours: true, fingerprint: t.server.documents.trustedFingerprints()[0] } } });
    expect(result.document).toMatchObject({ title: '劳动人事争议调解协议书', version: 2, serialNumber: v2.serialNumber });
    expect(result.document!.signers.map((s) => s.role)).toEqual(['applicant', 'respondent', 'host']);
    const tampered = Buffer.from(final.bytes);
    const at = Math.floor(tampered.length / 3);
    tampered.writeUInt8(tampered.readUInt8(at) ^ 0x01, at);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(tampered)], { type: 'application/pdf' }), 'agreement.pdf');
    const rejected = (await (await fetch(`${t.url}/api/verify`, { method: 'POST', body: form })).json()) as VerifyResult;
    expect(rejected).toMatchObject({ registered: false, document: null });
    expect(rejected.signature.valid).toBe(false);
    const draftCheck = (await (await fetch(`${t.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf1.bytes) })).json()) as VerifyResult;
    expect(draftCheck).toMatchObject({ registered: false, unsignedVersion: true, document: { version: 1 } });

    // Sealed means sealed.
    expect((await t.api<{ code: string }>('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: sealed.body.revision }, c.mediator.token)).body.code).toBe('DOCUMENT_FINAL');

    // The audit trail, in order.
    const events = await t.api<{ events: { kind: string; version: number | null }[] }>('GET', `/api/documents/${doc.id}/events`, undefined, c.clerk.token);
    expect(events.body.events.map((e) => e.kind)).toEqual(['created', 'issued', 'viewed', 'signed', 'voided', 'issued', 'signed', 'signed', 'signed', 'finalised', 'downloaded', 'downloaded']);

    // The judicial-confirmation package.
    const zip = await fetchBytes(t, `/api/documents/${doc.id}/package.zip`, c.clerk.token);
    expect(zip.status).toBe(200);
    expect((await fetchBytes(t, `/api/documents/${doc.id}/package.zip`, c.applicantToken)).status).toBe(401);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-zip-'));
    try {
      writeFileSync(path.join(dir, 'package.zip'), zip.bytes);
      const listing = (await run('unzip', ['-l', path.join(dir, 'package.zip')])).stdout;
      expect(listing).toContain('audit-log.json');
      expect(listing).toContain('audit-log.csv');
      expect(listing).toContain('index.json');
      expect(listing).toMatch(/mediation_agreement\.pdf/);
      expect((await run('unzip', ['-p', path.join(dir, 'package.zip'), 'recording-manifest.json'])).stdout).toBe(manifest);
      const csv = (await run('unzip', ['-p', path.join(dir, 'package.zip'), 'audit-log.csv'])).stdout;
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect(csv).toContain('"finalised"');
      const inner = Buffer.from((await run('unzip', ['-p', path.join(dir, 'package.zip'), `${v2.serialNumber}-mediation_agreement.pdf`], { encoding: 'buffer', maxBuffer: 1 << 24 })).stdout);
      expect(inner.equals(final.bytes)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders the rights confirmation and the hearing record in Chinese', async () => {
    const rights = await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'arbitration_rights' }, c.clerk.token);
    expect(rights.status).toBe(201);
    const rightsPdf = await fetchBytes(t, `/api/documents/${rights.body.id}/preview.pdf`, c.clerk.token);
    const rightsText = flat(await pdfText(rightsPdf.bytes));
    for (const expected of ['仲裁简易程序权利义务确认书', '申请回避', '自愿放弃答辩期', '第三十条']) expect(rightsText, expected).toContain(expected);

    const record = await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'hearing_record', roomId: c.roomId }, c.mediator.token);
    const notes = { ...record.body.terms, hearingNotes: '申请人陈述了工资拖欠的经过，被申请人对欠薪数额无异议。' };
    await t.api('PUT', `/api/documents/${record.body.id}/draft`, { terms: notes, revision: 1 }, c.mediator.token);
    const recordText = flat(await pdfText((await fetchBytes(t, `/api/documents/${record.body.id}/preview.pdf`, c.mediator.token)).bytes));
    for (const expected of ['庭审笔录摘要', '到庭情况', '李调解员', '被申请人对欠薪数额无异议', '草稿']) expect(recordText, expected).toContain(expected);

    // Only staff draft; a witness cannot sign; a socket without a case is refused.
    expect((await t.api('POST', `/api/cases/${c.caseId}/documents`, { kind: 'hearing_record' }, c.applicantToken)).status).toBe(401);
    const refused = io(`${t.url}/documents`, { auth: { token: c.mediator.token }, transports: ['websocket'], forceNew: true, reconnection: false });
    const code = await new Promise<string>((resolve) => refused.once('connect_error', (error: Error & { data?: { code: string } }) => resolve(error.data?.code ?? '')));
    refused.close();
    expect(code).toBe('UNAUTHORIZED');
  });
});
