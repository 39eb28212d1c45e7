/**
 * Two phone-sized Chromium pages sign a mediation agreement by drawing:
 * they wait for the draft, see it change live, read the version the
 * mediator sends, sign on the canvas (one with mouse strokes, one with touch
 * strokes), and get the sealed PDF once the mediator signs last. The final
 * PDF holds the drawn images, carries a valid PKCS#7 signature, passes the
 * register (through the /verify page too) and fails it with one byte changed.
 * Set SCREENSHOT_DIR to keep screenshots of each step.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentView, VerifyResult } from '../../server/documents/documentService.ts';
import { signPdf } from '../../server/documents/pdf/signPdf.ts';
import { checkPdfSignature } from '../../server/documents/pdf/verifySignature.ts';
import { loadSigningKey } from '../../server/documents/signingKey.ts';
import { launchChromium, openPhone } from '../helpers/browser.ts';
import { fetchBytes, opensslVerify, pdfImages, signingCase, type SigningCase } from '../helpers/documents.ts';
import { scribblePng } from '../helpers/signaturePng.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

const screenshots = process.env.SCREENSHOT_DIR;

async function shot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

async function state(page: Page, value: string): Promise<void> {
  await page.waitForSelector(`body[data-state="${value}"]`, { timeout: 30_000 });
}

/** Scrolls to the last page (which unlocks the button) and opens the pad. */
async function readAndOpenPad(page: Page): Promise<void> {
  await state(page, 'reading');
  const last = page.locator('.sign-page-img').last();
  await last.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.sign-page-img')].every((img) => img.complete && img.naturalWidth > 0));
  await page.locator('#sign-go:not([disabled])').click();
  await state(page, 'pad');
}

function strokePoints(box: { x: number; y: number; width: number; height: number }, wave: number): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i <= 40; i++) {
    const fx = 0.12 + (0.76 * i) / 40;
    points.push({ x: box.x + box.width * fx, y: box.y + box.height * (0.5 + 0.28 * Math.sin(i / (2 + wave))) });
  }
  return points;
}

async function drawWithMouse(page: Page): Promise<void> {
  const box = (await page.locator('#sign-pad').boundingBox())!;
  const points = strokePoints(box, 1);
  await page.mouse.move(points[0]!.x, points[0]!.y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 2 });
  await page.mouse.up();
}

async function drawWithTouch(page: Page): Promise<void> {
  const box = (await page.locator('#sign-pad').boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  for (const wave of [0, 2]) {
    const points = strokePoints({ ...box, y: box.y + (wave ? 20 : -20) }, wave);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: points[0]!.x, y: points[0]!.y }] });
    for (const p of points.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: p.x, y: p.y }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
}

describe('signing on two phones', () => {
  let t: TestServer;
  let c: SigningCase;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestServer();
    c = await signingCase(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('reads, draws, seals and verifies', async () => {
    const applicant = await openPhone(browser, `${t.url}/sign#token=${c.applicantToken}`, 'waiting');
    await shot(applicant, '01-waiting');

    const created = await t.api<DocumentView>('POST', `/api/cases/${c.caseId}/documents`, { kind: 'mediation_agreement' }, c.mediator.token);
    const doc = created.body;
    await state(applicant, 'draft');
    const respondent = await openPhone(browser, `${t.url}/sign#token=${c.respondentToken}`, 'draft');

    // The mediator types the terms; both phones follow live.
    const terms = { ...doc.terms, items: [{ description: '支付拖欠工资', amountCents: 800_000, dueDate: '2026-12-31', method: 'bank_transfer' as const, account: '' }] };
    await t.api('PUT', `/api/documents/${doc.id}/draft`, { terms, revision: doc.revision }, c.mediator.token);
    for (const phone of [applicant, respondent]) await phone.waitForFunction(() => document.querySelector('#sign-draft')?.textContent?.includes('捌仟元整'));
    await shot(applicant, '02-live-draft');

    const sent = await t.api<DocumentView>('POST', `/api/documents/${doc.id}/send`, { revision: doc.revision + 1 }, c.mediator.token);
    expect(sent.status).toBe(200);

    await readAndOpenPad(applicant);
    await shot(applicant, '03-reading-pad');
    await drawWithMouse(applicant);
    await shot(applicant, '04-drawn');
    await applicant.locator('#sign-confirm').click();
    await state(applicant, 'signed');
    // No dead end after signing: a way back (to the room or the end screen; /track when opened on its own).
    await applicant.waitForSelector('#sign-after', { state: 'visible' });
    await shot(applicant, '05-signed');

    await readAndOpenPad(respondent);
    // Confirming an empty pad is refused on the page itself.
    await respondent.locator('#sign-confirm').click();
    await respondent.waitForSelector('.sign-pad-screen .form-error:not([hidden])');
    await drawWithTouch(respondent);
    await respondent.locator('#sign-confirm').click();
    await state(respondent, 'signed');

    // The mediator signs last; the phones show the sealed document.
    const current = await t.api<DocumentView>('GET', `/api/documents/${doc.id}`, undefined, c.mediator.token);
    expect(current.body.signatures.map((s) => s.slot).sort()).toEqual(['applicant', 'respondent']);
    const sealed = await t.api<DocumentView>(
      'POST',
      `/api/documents/${doc.id}/signatures`,
      { version: current.body.version!.number, sha256: current.body.version!.sha256, image: scribblePng(320, 120, 4).toString('base64') },
      c.mediator.token,
    );
    expect(sealed.status).toBe(201);
    await state(applicant, 'final');
    await state(respondent, 'final');
    await applicant.waitForSelector('#sign-download');
    await shot(applicant, '06-final');

    // The final PDF: both drawn signatures (and the mediator's) as images, a valid seal, on the register.
    const final = await fetchBytes(t, `/api/documents/${doc.id}/final.pdf`, c.clerk.token);
    expect(final.status).toBe(200);
    const images = await pdfImages(final.bytes);
    expect(images.length).toBeGreaterThanOrEqual(3);
    expect(checkPdfSignature(final.bytes, t.server.documents.trustedFingerprints())).toMatchObject({ present: true, valid: true, coversWholeFile: true });
    expect((await opensslVerify(final.bytes)).ok).toBe(true);

    const verify = (bytes: Buffer) =>
      fetch(`${t.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) }).then((r) => r.json() as Promise<VerifyResult>);
    expect(await verify(final.bytes)).toMatchObject({ registered: true, document: { version: 1 } });
    const changed = Buffer.from(final.bytes);
    const at = Math.floor(changed.length / 2);
    changed.writeUInt8(changed.readUInt8(at) ^ 0x20, at);
    expect(await verify(changed)).toMatchObject({ registered: false, signature: { valid: false } });

    // The verify page on a phone says the same.
    const checker = await openPhone(browser, `${t.url}/verify`, 'form');
    await checker.setInputFiles('#verify-file', { name: 'agreement.pdf', mimeType: 'application/pdf', buffer: final.bytes });
    await state(checker, 'ok');
    expect(await checker.locator('#verify-sha').textContent()).toBe(sealed.body.final!.sha256);
    expect(await checker.locator('#verify-certificate').textContent()).toMatch(/^(本机构证书|ours): CN=Yunting development/);
    expect(await checker.locator('#verify-fingerprint').textContent()).toBe(t.server.documents.trustedFingerprints()[0]);
    await shot(checker, '07-verify-ok');
    await checker.locator('#verify-again').click();
    await checker.setInputFiles('#verify-file', { name: 'agreement.pdf', mimeType: 'application/pdf', buffer: changed });
    await state(checker, 'bad');
    await shot(checker, '08-verify-bad');

    // Sealed with a certificate named like ours but not ours: the page says so.
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-other-key-'));
    try {
      const otherKey = loadSigningKey({ dataDir: otherDir });
      const doc = await PDFDocument.create();
      doc.addPage([595, 842]).drawText('Mediation agreement');
      const forged = await signPdf(doc, otherKey, { reason: 'Sealed', location: 'CN', signingTime: new Date() });
      await checker.locator('#verify-again').click();
      await checker.setInputFiles('#verify-file', { name: 'forged.pdf', mimeType: 'application/pdf', buffer: forged });
      await state(checker, 'bad');
      expect(await checker.locator('#verify-signature').textContent()).toMatch(/不是本机构的证书|not ours/);
      expect(await checker.locator('#verify-certificate').textContent()).toMatch(/^(非本机构证书|not ours): CN=Yunting development/);
      expect(await checker.locator('#verify-fingerprint').textContent()).toBe(otherKey.fingerprint);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
