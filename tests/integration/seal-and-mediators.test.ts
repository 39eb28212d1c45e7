/**
 * The organisation's seal and certificate, and choosing a mediator, through
 * the real HTTP API on SQLite and (with DATABASE_URL) PostgreSQL: the seal
 * upload refuses what is not a transparent, bounded PNG; the organisation's
 * PKCS#12 is stored encrypted, seals its cases' documents, and /verify names
 * the organisation; the sealed PDF rendered by Poppler shows the seal's red
 * where the seal goes; mediator profiles are public without private data;
 * the applicant's preference reaches the clerk with the ratings' average.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView, VerifyResult } from '../../server/documents/documentService.ts';
import { checkPdfSignature } from '../../server/documents/pdf/verifySignature.ts';
import type { SlotRect } from '../../server/documents/pdf/renderDocument.ts';
import { makeDevelopmentP12 } from '../../server/documents/signingKey.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { fetchBytes, opensslVerify, signingCase, type SigningCase } from '../helpers/documents.ts';
import { connect, joinRoom } from '../helpers/signallingClient.ts';
import { encodePng, pngOf, SEAL_RED, sealPng } from '../helpers/sealPng.ts';
import { scribblePng } from '../helpers/signaturePng.ts';
import { storesUnderTest } from '../helpers/stores.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { pdfPagePixels, redPixels } from '../helpers/pdfPixels.ts';

const run = promisify(execFile);

interface SealStatus {
  seal: { sha256: string; width: number; height: number; earlier: number } | null;
  certificate: { subject: string; fingerprint: string; earlier: number } | null;
  serverCertificate: { fingerprint: string };
}

describe.each(storesUnderTest)('seal and mediators on $name', (store) => {
  let t: TestServer;
  let c: SigningCase;
  let admin: Awaited<ReturnType<typeof seedStaff>>;
  let databaseUrl: string | undefined;
  let cleanupStore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const opened = await store.open();
    await opened.db.destroy();
    cleanupStore = opened.cleanup;
    databaseUrl = opened.databaseUrl;
    t = await startTestServer({ databaseUrl });
    c = await signingCase(t);
    admin = await seedStaff(t, c.orgId, 'admin', 'seal-admin');
  });
  afterAll(async () => {
    await t?.close();
    await cleanupStore?.().catch(() => undefined);
  });

  const putSeal = (png: Buffer, token = admin.token) => t.api<SealStatus & { code?: string }>('PUT', `/api/organisations/${c.orgId}/seal`, { image: png.toString('base64') }, token);
  const status = async () => (await t.api<SealStatus>('GET', `/api/organisations/${c.orgId}/seal`, undefined, admin.token)).body;

  it('refuses seal images that are not transparent, bounded PNGs, and changes nothing', async () => {
    expect(await status()).toMatchObject({ seal: null, certificate: null });
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
    const noAlpha = encodePng(200, 200, 2, (x) => (x < 100 ? [214, 18, 24, 255] : [255, 255, 255, 255]));
    const opaque = encodePng(200, 200, 6, () => [214, 18, 24, 255]);
    // 512×512 RGBA is 1 MiB of pixels; 64 MiB of zeros deflate to ~64 KB and must stop at the header's bound.
    const bomb = pngOf(512, 512, 6, deflateSync(Buffer.alloc(64 * 1024 * 1024)));
    const huge = pngOf(3000, 3000, 6, deflateSync(Buffer.alloc(16)));
    const noise = randomBytes(420 * 420 * 4);
    const heavy = encodePng(420, 420, 6, (x, y) => [noise[(y * 420 + x) * 4]!, noise[(y * 420 + x) * 4 + 1]!, noise[(y * 420 + x) * 4 + 2]!, x % 2 ? 0 : 255], 0);
    expect(heavy.length).toBeGreaterThan(512 * 1024);
    const cases: [Buffer, number, string][] = [
      [jpeg, 400, 'INVALID_SEAL_IMAGE'],
      [Buffer.from('not an image at all, just text long enough to pass the size check in the decoder......'), 400, 'INVALID_SEAL_IMAGE'],
      [noAlpha, 400, 'SEAL_NOT_TRANSPARENT'],
      [opaque, 400, 'SEAL_NOT_TRANSPARENT'],
      [bomb, 413, 'SEAL_IMAGE_TOO_LARGE'],
      [huge, 413, 'SEAL_IMAGE_TOO_LARGE'],
      [heavy, 413, 'SEAL_IMAGE_TOO_LARGE'],
    ];
    for (const [png, code, error] of cases) {
      const res = await putSeal(png);
      expect([res.status, res.body.code]).toEqual([code, error]);
    }
    // Only the organisation's admins: not its clerk, not another organisation's admin.
    expect((await putSeal(sealPng(), c.clerk.token)).status).toBe(403);
    const otherOrg = (await seedOrganisation(t, '北京市朝阳区劳动争议调解中心')).id;
    const foreignAdmin = await seedStaff(t, otherOrg, 'admin', 'seal-foreign-admin');
    expect((await putSeal(sealPng(), foreignAdmin.token)).status).toBe(403);
    expect((await t.api('GET', `/api/organisations/${c.orgId}/seal`, undefined, foreignAdmin.token)).status).toBe(403);
    expect(await status()).toMatchObject({ seal: null });
    const rows = await t.server.db.selectFrom('organisation_seals').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('stores the seal, logs it, keeps the old one on replacement', async () => {
    const first = await putSeal(sealPng(280));
    expect(first.status).toBe(200);
    expect(first.body.seal).toMatchObject({ width: 280, height: 280, earlier: 0 });
    const image = await fetchBytes(t, `/api/organisations/${c.orgId}/seal/image`, admin.token);
    expect(image.bytes.equals(sealPng(280))).toBe(true);
    const second = await putSeal(sealPng(300));
    expect(second.body.seal).toMatchObject({ width: 300, earlier: 1 });
    const audit = await t.server.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'organisation.seal_uploaded').execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[1]!.detail)).toMatchObject({ organisationId: c.orgId, sha256: second.body.seal!.sha256 });
    expect(await t.server.db.selectFrom('organisation_seals').select('id').execute()).toHaveLength(2);
  });

  const password = 'org-p12-Passw0rd-secret';
  const orgP12 = makeDevelopmentP12(password, { commonName: 'Nanshan Mediation Centre seal', organization: 'Nanshan Mediation Centre' });

  it('takes the organisation PKCS#12 only when it opens, and keeps it encrypted at rest', async () => {
    const put = (p12: Buffer, pw: string, token = admin.token) => t.api<SealStatus & { code?: string }>('PUT', `/api/organisations/${c.orgId}/certificate`, { p12: p12.toString('base64'), password: pw }, token);
    expect((await put(orgP12, 'wrong password')).body.code).toBe('INVALID_CERTIFICATE');
    expect((await put(Buffer.from('garbage that is not a PKCS#12 file'), password)).body.code).toBe('INVALID_CERTIFICATE');
    expect((await put(orgP12, password, c.clerk.token)).status).toBe(403);
    expect((await status()).certificate).toBeNull();
    const ok = await put(orgP12, password);
    expect(ok.status).toBe(200);
    expect(ok.body.certificate).toMatchObject({ subject: expect.stringContaining('CN=Nanshan Mediation Centre seal') });
    expect(ok.body.certificate!.fingerprint).not.toBe(ok.body.serverCertificate.fingerprint);
    // No answer carries it back.
    expect(JSON.stringify(ok.body)).not.toContain(password);
    expect(JSON.stringify(await status())).not.toContain(orgP12.toString('base64').slice(0, 40));

    const rows = await t.server.db.selectFrom('organisation_certificates').selectAll().execute();
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    const storedBytes = Buffer.concat([Buffer.from(stored), Buffer.from(rows[0]!.sealed, 'base64')]);
    expect(storedBytes.includes(Buffer.from(password))).toBe(false);
    expect(storedBytes.includes(orgP12.subarray(100, 164))).toBe(false);
    expect(stored).not.toContain(orgP12.toString('base64').slice(20, 80));
    if (!databaseUrl) {
      // The SQLite file (and its WAL) as written to disk.
      for (const file of readdirSync(t.dataDir).filter((f) => /\.(db|sqlite)(-wal)?$/.test(f) || f.endsWith('-wal'))) {
        const bytes = readFileSync(path.join(t.dataDir, file));
        expect(bytes.includes(Buffer.from(password)), file).toBe(false);
        expect(bytes.includes(orgP12.subarray(100, 164)), file).toBe(false);
      }
    }
    const audit = await t.server.db.selectFrom('audit_log').select('detail').where('action', '=', 'organisation.certificate_uploaded').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).not.toContain(password);
  });

  const sign = (id: string, token: string, view: DocumentView, seed: number) =>
    t.api<DocumentView & { code?: string }>('POST', `/api/documents/${id}/signatures`, { version: view.version!.number, sha256: view.version!.sha256, image: scribblePng(360, 140, seed).toString('base64') }, token);

  it('seals with the organisation certificate, shows the seal over its name, and /verify names the organisation', async () => {
    const host = await connect(t.url, { token: c.mediator.token, roomId: c.roomId });
    await joinRoom(host);
    host.close();
    const doc = (await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'mediation_agreement' }, c.mediator.token)).body;
    const terms = { ...doc.terms, items: [{ description: '支付拖欠工资', amountCents: 800_000, dueDate: '2026-12-31', method: 'bank_transfer' as const, account: '' }] };
    await t.api('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: 1 }, c.mediator.token);
    const v1 = (await t.api<DocumentView>('POST', `/api/documents/${doc.id}/send`, { revision: 2 }, c.mediator.token)).body;
    expect((await sign(doc.id, c.applicantToken, v1, 2)).status).toBe(201);
    expect((await sign(doc.id, c.respondentToken, v1, 4)).status).toBe(201);
    const sealed = await sign(doc.id, c.mediator.token, v1, 6);
    expect(sealed.status).toBe(201);

    const final = await fetchBytes(t, `/api/documents/${doc.id}/final.pdf`, c.clerk.token);
    expect(final.status).toBe(200);
    const orgFingerprint = (await status()).certificate!.fingerprint;
    const check = checkPdfSignature(final.bytes, [orgFingerprint]);
    expect(check).toMatchObject({ present: true, valid: true, intact: true, coversWholeFile: true, certificate: { fingerprint: orgFingerprint } });
    expect((await opensslVerify(final.bytes)).ok).toBe(true);
    const verify = async (pdf: Buffer) => (await fetch(`${t.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) })).json() as Promise<VerifyResult>;
    expect(await verify(final.bytes)).toMatchObject({
      registered: true,
      signature: { valid: true, certificate: { ours: true, fingerprint: orgFingerprint } },
      signedBy: { organisationId: c.orgId, organisation: '深圳市南山区劳动人事争议调解中心', server: false, current: true },
    });
    const events = await t.server.db.selectFrom('document_events').select(['kind', 'detail']).where('document_id', '=', doc.id).where('kind', '=', 'finalised').execute();
    expect(JSON.parse(events[0]!.detail)).toMatchObject({ certificate: orgFingerprint, sealImage: (await status()).seal!.sha256 });

    // The seal in place: Poppler's rendering of the page shows the seal's red inside the seal's place, the signed version not.
    const versionRow = await t.server.db.selectFrom('document_versions').select(['slots']).where('document_id', '=', doc.id).executeTakeFirstOrThrow();
    const place = (JSON.parse(versionRow.slots) as SlotRect[]).find((s) => s.slot === 'seal');
    expect(place).toBeDefined();
    const versionPdf = await fetchBytes(t, `/api/documents/${doc.id}/versions/1/pdf`, c.clerk.token);
    const dpi = 100;
    const keep = process.env.SEAL_PREVIEW_DIR ? path.join(process.env.SEAL_PREVIEW_DIR, `sealed-${store.name}`) : undefined;
    const finalPage = await pdfPagePixels(final.bytes, place!.page + 1, dpi, keep);
    const versionPage = await pdfPagePixels(versionPdf.bytes, place!.page + 1, dpi);
    const inPlace = redPixels(finalPage, place!, dpi, SEAL_RED);
    expect(inPlace.share).toBeGreaterThan(0.15);
    expect(redPixels(versionPage, place!, dpi, SEAL_RED).count).toBe(0);
    // Nowhere else on the page is the seal's red.
    expect(redPixels(finalPage, { x: 0, y: 0, width: 595, height: 842 }, dpi, SEAL_RED).count).toBe(inPlace.count);
    // The organisation's name and the date are printed under the seal.
    const pdfFile = path.join(t.dataDir, 'final-under-test.pdf');
    writeFileSync(pdfFile, final.bytes);
    const pageArg = String(place!.page + 1);
    const top = String(Math.floor(842 - place!.y - place!.height));
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', '-f', pageArg, '-l', pageArg, '-x', '250', '-y', top, '-W', '345', '-H', String(Math.ceil(place!.height)), pdfFile, '-'], { encoding: 'utf8' });
    expect(stdout.replace(/\s/g, '')).toContain('深圳市南山区劳动人事争议调解中心');
    expect(stdout).toMatch(/20\d\d年\d+月\d+日/);

    // A replaced certificate: documents sealed with the earlier one still verify, as that organisation's earlier certificate.
    const next = makeDevelopmentP12('another-password-1', { commonName: 'Nanshan Mediation Centre seal 2027' });
    expect((await t.api('PUT', `/api/organisations/${c.orgId}/certificate`, { p12: next.toString('base64'), password: 'another-password-1' }, admin.token)).status).toBe(200);
    expect((await status()).certificate).toMatchObject({ earlier: 1 });
    expect(await verify(final.bytes)).toMatchObject({ signature: { valid: true }, signedBy: { organisationId: c.orgId, current: false } });
    // A file signed with a certificate nobody uploaded is not ours.
    const tampered = Buffer.from(final.bytes);
    tampered[100] = tampered[100]! ^ 1;
    expect((await verify(tampered)).signature.valid).toBe(false);
  });

  it('publishes mediator profiles without private data, takes the preference, and averages ratings for the clerk', async () => {
    const photo = encodePng(96, 96, 6, (x, y) => [x * 2, y * 2, 120, 255]);
    const profile = (id: string, body: unknown, token: string) => t.api<{ code?: string; photoUrl?: string | null }>('PUT', `/api/staff/${id}/profile`, body, token);
    // The organisation's admin edits a mediator's profile; the mediator edits their own; a clerk edits nobody's.
    expect((await profile(c.mediator.id, { speciality: '欠薪、工伤', photo: photo.toString('base64') }, admin.token)).status).toBe(200);
    expect((await profile(c.mediator.id, { languages: '普通话、粤语、四川话' }, c.mediator.token)).status).toBe(200);
    expect((await profile(c.mediator.id, { speciality: 'x' }, c.clerk.token)).status).toBe(404);
    const other = await seedStaff(t, c.orgId, 'arbitrator', 'profile-arbitrator');
    expect((await profile(other.id, { speciality: 'x' }, c.mediator.token)).status).toBe(404);
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(300)]);
    expect((await profile(c.mediator.id, { photo: gif.toString('base64') }, admin.token)).body.code).toBe('INVALID_PHOTO');
    expect((await profile(c.mediator.id, { photo: pngOf(96, 96, 6, deflateSync(Buffer.alloc(8 * 1024 * 1024))).toString('base64') }, admin.token)).body.code).toBe('PHOTO_TOO_LARGE');

    // Public: active mediators and arbitrators, name, role, profile and photo only.
    const listed = await t.api<{ mediators: Record<string, unknown>[] }>('GET', `/api/public/organisations/${c.orgId}/mediators`);
    expect(listed.status).toBe(200);
    const mine = listed.body.mediators.find((m) => m.id === c.mediator.id)!;
    expect(mine).toEqual({ id: c.mediator.id, displayName: '李调解员', role: 'mediator', speciality: '欠薪、工伤', languages: '普通话、粤语、四川话', photoUrl: `/api/public/staff/${c.mediator.id}/photo` });
    expect(listed.body.mediators.map((m) => m.role).sort()).toEqual(['arbitrator', 'mediator']);
    expect(JSON.stringify(listed.body)).not.toMatch(/username|password|doc-mediator|organisationId/);
    const picture = await fetchBytes(t, mine.photoUrl as string);
    expect([picture.status, picture.headers.get('content-type'), picture.bytes.equals(photo)]).toEqual([200, 'image/png', true]);
    expect((await fetchBytes(t, `/api/public/staff/${c.clerk.id}/photo`)).status).toBe(404);

    // The applicant's preference: only a host of the chosen organisation; a wrong one is refused at its field and nothing is stored.
    const before = (await t.server.db.selectFrom('cases').select('id').execute()).length;
    const wrong = await submitApplication(t, application(c.orgId, { applicant: { name: '钱七', idNumber: residentId(7), phone: '13800138007', address: '四川省' }, preferredStaffId: c.clerk.id }));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'UNKNOWN_MEDIATOR', field: 'preferredStaffId' });
    expect((await t.server.db.selectFrom('cases').select('id').execute()).length).toBe(before);
    const submitted = await submitApplication(t, application(c.orgId, { applicant: { name: '孙八', idNumber: residentId(8), phone: '13800138008', address: '四川省' }, preferredStaffId: c.mediator.id }));
    expect(submitted.status).toBe(201);
    const caseRow = await t.server.db.selectFrom('cases').select(['id', 'preferred_staff_id']).where('serial_number', '=', submitted.body.serialNumber!).executeTakeFirstOrThrow();
    expect(caseRow.preferred_staff_id).toBe(c.mediator.id);

    // Ratings after the session (the host entered it in the sealing test) feed the average.
    expect((await t.api('POST', '/api/ratings', { score: 5, comment: '耐心' }, c.applicantToken)).status).toBe(201);
    expect((await t.api('POST', '/api/ratings', { score: 2, comment: '' }, c.respondentToken)).status).toBe(201);
    type Option = { id: string; ratingAverage: number | null; ratingCount: number; preferred: boolean };
    const options = await t.api<{ preference: { id: string; displayName: string } | null; candidates: Option[] }>('GET', `/api/cases/${caseRow.id}/assignment-options`, undefined, c.clerk.token);
    expect(options.status).toBe(200);
    expect(options.body.preference).toMatchObject({ id: c.mediator.id, displayName: '李调解员' });
    expect(options.body.candidates.find((o) => o.id === c.mediator.id)).toMatchObject({ ratingAverage: 3.5, ratingCount: 2, preferred: true });
    expect(options.body.candidates.find((o) => o.id === other.id)).toMatchObject({ ratingAverage: null, ratingCount: 0, preferred: false });
    // Only desk staff of the organisation see it.
    expect((await t.api('GET', `/api/cases/${caseRow.id}/assignment-options`, undefined, c.mediator.token)).status).toBe(404);
    const staffScreen = await t.api<{ profiles: Option[] }>('GET', '/api/staff/profiles', undefined, admin.token);
    expect(staffScreen.body.profiles.find((p) => p.id === c.mediator.id)).toMatchObject({ ratingAverage: 3.5, ratingCount: 2 });
  });
});
