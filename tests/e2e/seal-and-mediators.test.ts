/**
 * In a real Chromium: an organisation's admin uploads its seal and signing
 * certificate in /console (the notice "sealed digitally only" before, the
 * seal image after); an applicant on a phone sees the organisation's
 * mediators at /apply once the region is chosen and prefers one; the clerk
 * sees the preference (and ratings) in the assignment box.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDevelopmentP12 } from '../../server/documents/signingKey.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
import { residentId } from '../helpers/cases.ts';
import { encodePng, sealPng } from '../helpers/sealPng.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const shots = process.env.SCREENSHOT_DIR;
const laptop = { width: 1366, height: 900 };

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
  if (shots) mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

async function newPage(viewport: { width: number; height: number }, phone = false): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}) });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  return page;
}

const shot = async (page: Page, name: string, selector?: string) => {
  if (!shots) return;
  if (selector) await page.locator(selector).screenshot({ path: path.join(shots, `${name}.png`) });
  else await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
};

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${t.url}/console`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-btn');
}

describe('seal upload and mediator preference', () => {
  it('the admin uploads the seal and certificate; the applicant prefers a mediator; the clerk sees it', async () => {
    const org = await t.api<{ id: string }>('POST', '/api/organisations', { name: '深圳市南山区劳动人事争议调解中心', kind: 'mediation_organisation', regionCode: '440305', province: '广东省', city: '深圳市', county: '南山区' }, t.staffToken);
    const staff = async (username: string, role: string, displayName: string) => {
      const res = await t.api<{ id: string }>('POST', '/api/staff', { username, password: `${username}-password`, displayName, role, organisationId: org.body.id }, t.staffToken);
      expect(res.status).toBe(201);
      return res.body.id;
    };
    await staff('ns.admin', 'admin', '陈管理员');
    await staff('ns.clerk', 'clerk', '王书记员');
    const mediatorId = await staff('ns.mediator', 'mediator', '李调解员');
    await staff('ns.arbitrator', 'arbitrator', '赵仲裁员');
    const photo = encodePng(120, 120, 6, (x, y) => [40 + x, 90 + (y >> 1), 160, 255]);
    expect((await t.api('PUT', `/api/staff/${mediatorId}/profile`, { speciality: '欠薪、工伤赔偿', languages: '普通话、粤语、四川话', photo: photo.toString('base64') }, t.staffToken)).status).toBe(200);

    // ------------------------------------------- the organisation's admin (laptop)
    const admin = await newPage(laptop);
    await login(admin, 'ns.admin', 'ns.admin-password');
    await admin.click('#nav-admin');
    await admin.waitForSelector('#seal-none');
    expect(await admin.textContent('#seal-none')).toContain('仅以数字签名方式签章');
    await admin.waitForSelector('#cert-server');
    await shot(admin, 'console-seal-before-laptop', '#seal-panel');
    await admin.setInputFiles('#seal-file', { name: 'seal.png', mimeType: 'image/png', buffer: sealPng(300) });
    await admin.click('#seal-upload-btn');
    await admin.waitForSelector('#seal-image');
    expect(await admin.locator('#seal-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(300);
    expect(await admin.locator('#seal-none').count()).toBe(0);
    // A file that is no PNG is refused with its code, and the seal stays.
    await admin.setInputFiles('#seal-file', { name: 'seal.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a not a png at all, but long enough to look like a file to the server') });
    await admin.click('#seal-upload-btn');
    await admin.waitForSelector('#seal-error:not([hidden])');
    expect(await admin.textContent('#seal-error')).toContain('印章图像不是可用的 PNG 文件');
    expect(await admin.locator('#seal-image').count()).toBe(1);
    await admin.setInputFiles('#cert-file', { name: 'org.p12', mimeType: 'application/x-pkcs12', buffer: makeDevelopmentP12('cert-password-1', { commonName: 'Nanshan Mediation Centre' }) });
    await admin.fill('#cert-password', 'cert-password-1');
    await admin.click('#cert-upload-btn');
    await admin.waitForSelector('#cert-subject');
    expect(await admin.textContent('#cert-subject')).toContain('CN=Nanshan Mediation Centre');
    expect(await admin.inputValue('#cert-password')).toBe('');
    await admin.waitForSelector(`#profiles-table tr[data-profile-id="${mediatorId}"]`);
    await shot(admin, 'console-seal-after-laptop', '#seal-panel');
    await shot(admin, 'console-profiles-laptop', '#profiles-panel');
    await admin.setViewportSize(phoneViewport);
    await shot(admin, 'console-seal-after-phone', '#seal-panel');

    // ---------------------------------------------------- the applicant (phone)
    const phone = await newPage(phoneViewport, true);
    await phone.goto(`${t.url}/apply`);
    await phone.fill('#applicant-name', '张三');
    await phone.fill('#applicant-id', residentId(3));
    await phone.fill('#applicant-phone', '13800138000');
    await phone.fill('#applicant-address', '广东省深圳市南山区科技园路1号');
    await phone.fill('#employer-name', '深圳市某建筑工程有限公司');
    await phone.fill('#employer-code', '91350100M000100Y43');
    await phone.fill('#employer-address', '深圳市南山区粤海街道');
    await phone.fill('#employer-contact', '刘经理 0755-12345678');
    await phone.check('#dispute-wage_arrears');
    await phone.fill('#facts', '2024年5月工资至今未发放。');
    await phone.fill('.claim-description', '支付2024年5月工资');
    await phone.fill('.claim-amount', '8000');
    await phone.selectOption('#region-province', '广东省');
    await phone.selectOption('#region-city', '深圳市');
    await phone.selectOption('#region-county', '南山区');
    const card = phone.locator(`.mediator-card[data-staff-id="${mediatorId}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('欠薪、工伤赔偿');
    expect(await card.textContent()).toContain('四川话');
    expect(await card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
    expect(await phone.locator('#mediator-none').isChecked()).toBe(true);
    expect(await phone.locator('.mediator-card').count()).toBe(3);
    await phone.check(`#mediator-${mediatorId}`);
    await phone.locator('#mediator-choice').scrollIntoViewIfNeeded();
    await shot(phone, 'apply-mediators-phone', '#mediator-choice');
    await phone.check('#declare');
    await phone.click('#submit-btn');
    await phone.waitForSelector('#serial-number');
    const serialNumber = (await phone.textContent('#serial-number'))!.trim();
    const row = await t.server.db.selectFrom('cases').select(['id', 'preferred_staff_id']).where('serial_number', '=', serialNumber).executeTakeFirstOrThrow();
    expect(row.preferred_staff_id).toBe(mediatorId);

    const wide = await newPage(laptop);
    await wide.goto(`${t.url}/apply`);
    await wide.selectOption('#region-province', '广东省');
    await wide.selectOption('#region-city', '深圳市');
    await wide.selectOption('#region-county', '南山区');
    await wide.locator(`.mediator-card[data-staff-id="${mediatorId}"]`).waitFor();
    await shot(wide, 'apply-mediators-laptop', '#mediator-choice');

    // ------------------------------------------------------- the clerk (laptop)
    const desk = await newPage(laptop);
    await login(desk, 'ns.clerk', 'ns.clerk-password');
    await desk.click(`tr[data-serial="${serialNumber}"]`);
    await desk.waitForSelector(`#case-detail[data-case-id="${row.id}"]`);
    await desk.click('#accept-btn');
    await desk.click('#dialog-close');
    await desk.waitForSelector('#assign-preference.has-preference');
    expect(await desk.textContent('#assign-preference')).toContain('申请人希望由 李调解员 办理');
    await expect.poll(() => desk.inputValue('#assign-select')).toBe(mediatorId);
    const option = desk.locator(`#assign-select option[value="${mediatorId}"]`);
    expect(await option.textContent()).toContain('暂无评价');
    expect(await option.textContent()).toContain('申请人选择');
    await shot(desk, 'console-assign-laptop', '.action-box:has(#assign-select)');
    await desk.click('#nav-people');
    await desk.waitForSelector(`#profiles-table tr[data-profile-id="${mediatorId}"] .rating-cell`);
    await desk.setViewportSize(phoneViewport);
    await shot(desk, 'console-people-phone');
  });
});
