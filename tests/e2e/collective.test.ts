/**
 * Collective disputes in real Chromium: the first applicant's phone makes a
 * share link on /track, a co-worker's phone opens it (the employer shown, not
 * retyped), joins and follows the case with its own code; the clerk merges a
 * separate application from the console's mass-dispute proposal and unmerges
 * it; later each worker consents on its phone to the agreement version out
 * for signature. Screenshots at phone and laptop size go to
 * COLLECTIVE_SCREENSHOTS when set.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { creditCode } from '../helpers/collective.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const shots = process.env.COLLECTIVE_SCREENSHOTS;

beforeAll(async () => {
  t = await startTestServer({ massDispute: { minCases: 2, windowDays: 30 } });
  browser = await launchChromium();
  if (shots) mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

async function newPage(phone: boolean): Promise<Page> {
  const context = await browser.newContext({
    viewport: phone ? phoneViewport : { width: 1366, height: 900 },
    locale: 'zh-CN',
    ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  return page;
}

const snap = async (page: Page, name: string) => {
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  // On the laptop, the collective panel alone too (the full page is long).
  if (name.startsWith('laptop')) await page.locator('#collective').screenshot({ path: path.join(shots, `${name}-panel.png`) });
};

describe('collective disputes in the browser', () => {
  it('joins by the share link on a phone, merges and unmerges from the console, consents on the phone', async () => {
    const orgId = (await seedOrganisation(t)).id;
    const clerk = await seedStaff(t, orgId, 'clerk', 'e2e-col-clerk');
    const employer = { name: '深圳市某物流有限公司', creditCode: creditCode(21), address: '深圳市宝安区', contact: '0755-27001234' };
    const first = await submitApplication(t, application(orgId, { applicant: { name: '王五', idNumber: residentId(1201), phone: '13800139001', address: '广西南宁市' }, employer }));
    const other = await submitApplication(t, application(orgId, { applicant: { name: '赵六', idNumber: residentId(1202), phone: '13800139002', address: '湖北省孝感市' }, employer, claims: [{ description: '支付拖欠工资', amount: 4600 }] }));
    expect([first.status, other.status]).toEqual([201, 201]);

    // ---------------------------------------------- the first applicant's phone: the share link
    const firstPhone = await newPage(true);
    await firstPhone.goto(`${t.url}/track#serial=${first.body.serialNumber}&code=${first.body.trackingCode}`);
    await firstPhone.waitForSelector('[data-testid="share-card"]');
    await firstPhone.click('#share-create');
    const shareUrl = await (await firstPhone.waitForSelector('#share-url')).inputValue();
    expect(shareUrl).toMatch(/\/collective#code=[A-Z0-9]{10}$/);
    await snap(firstPhone, 'phone-track-share');

    // ---------------------------------------------- a co-worker's phone joins without typing the employer
    const coPhone = await newPage(true);
    await coPhone.goto(shareUrl);
    await coPhone.waitForSelector('[data-testid="join-case"]');
    expect(await coPhone.textContent('#join-employer')).toBe('深圳市某物流有限公司');
    expect(await coPhone.textContent('#join-serial')).toBe(first.body.serialNumber);
    await snap(coPhone, 'phone-join-form');
    await coPhone.fill('#worker-name', '钱七');
    await coPhone.fill('#worker-id', '110101199001011234');
    await coPhone.fill('#worker-phone', '13900001111');
    await coPhone.fill('#worker-address', '四川省达州市通川区');
    await coPhone.fill('#worker-amount', '5100');
    await coPhone.click('#join-btn');
    // The bad ID number is caught at its field; nothing is filed.
    await coPhone.waitForSelector('#worker-id-error:not([hidden])');
    await coPhone.fill('#worker-id', residentId(1203));
    await coPhone.click('#join-btn');
    await coPhone.waitForSelector('[data-testid="join-success"]');
    expect((await coPhone.textContent('#serial-number'))!.trim()).toBe(first.body.serialNumber);
    const coCode = (await coPhone.textContent('#tracking-code'))!.trim();
    expect(coCode).not.toBe(first.body.trackingCode);
    await snap(coPhone, 'phone-join-done');
    await coPhone.click('#track-link');
    await coPhone.waitForSelector('[data-testid="collective-card"]');
    expect(await coPhone.textContent('#worker-me')).toBe('钱七');
    expect(await coPhone.textContent('#worker-amount')).toContain('5,100.00');
    expect(await coPhone.locator('[data-testid="share-card"]').count()).toBe(0);

    // ---------------------------------------------- the clerk merges the separate application from the proposal
    const desk = await newPage(false);
    await desk.goto(`${t.url}/console`);
    await desk.fill('#username', clerk.username);
    await desk.fill('#password', clerk.password);
    await desk.click('#login-btn');
    await desk.click(`tr[data-serial="${first.body.serialNumber}"]`);
    await desk.waitForSelector('#workers-table');
    await desk.waitForSelector('#merge-warning');
    expect(await desk.locator('#workers-table tbody tr').count()).toBe(2);
    await desk.check('.merge-candidate input[type="checkbox"]');
    await snap(desk, 'laptop-case-merge-proposal');
    await desk.click('#merge-button');
    await desk.waitForFunction(() => document.querySelectorAll('#workers-table tbody tr').length === 3);
    expect(await desk.textContent('#workers-total')).toContain('17,700.00');
    await desk.waitForSelector('.unmerge-button');
    await desk.locator('#collective').scrollIntoViewIfNeeded();
    await snap(desk, 'laptop-case-merged');
    // The merged worker follows the collective case with its own old serial number and code.
    const mergedPhone = await newPage(true);
    await mergedPhone.goto(`${t.url}/track#serial=${other.body.serialNumber}&code=${other.body.trackingCode}`);
    await mergedPhone.waitForSelector('[data-testid="collective-card"]');
    expect(await mergedPhone.textContent('#merged-note')).toContain(first.body.serialNumber!);
    await snap(mergedPhone, 'phone-track-merged');
    // Unmerge: the application stands alone again.
    await desk.click('.unmerge-button');
    await desk.waitForFunction(() => document.querySelectorAll('#workers-table tbody tr').length === 2);
    await desk.waitForSelector('.merge-candidate');

    // ---------------------------------------------- representatives, an agreement out for signature, consent on the phone
    const view = await t.api<{ workers: { id: string }[] }>('GET', `/api/cases/${(await caseIdOf(first.body.serialNumber!, clerk.token))!}/collective`, undefined, clerk.token);
    const caseId = (await caseIdOf(first.body.serialNumber!, clerk.token))!;
    const mediator = await seedStaff(t, orgId, 'mediator', 'e2e-col-mediator');
    await t.api('PUT', `/api/cases/${caseId}/collective/representatives`, { workerIds: [view.body.workers[0]!.id] }, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }, clerk.token);
    const doc = await t.api<{ id: string; revision: number }>('POST', `/api/cases/${caseId}/documents`, { kind: 'mediation_agreement' }, mediator.token);
    expect((await t.api('POST', `/api/documents/${doc.body.id}/send`, { revision: doc.body.revision }, mediator.token)).status).toBe(200);

    await coPhone.reload();
    await coPhone.waitForSelector('#agreement-consent');
    await snap(coPhone, 'phone-track-consent');
    await coPhone.click('#agreement-consent');
    await coPhone.waitForSelector('#consent-done');
    await desk.reload();
    await desk.waitForSelector('#consent-progress');
    expect(await desk.textContent('#consent-progress')).toContain('1/2');
    await desk.locator('#collective').scrollIntoViewIfNeeded();
    await snap(desk, 'laptop-case-consent');
  });
});

async function caseIdOf(serialNumber: string, token: string) {
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, token);
  return list.body.cases.find((c) => c.serialNumber === serialNumber)?.id;
}
