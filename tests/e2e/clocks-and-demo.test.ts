/**
 * The README's "Try it" after `npm run demo`: the demo script seeds a fresh
 * store (and refuses to seed it twice); a phone applies at /apply, picking
 * 广东省 → 深圳市 → 南山区 from the GB/T 2260 lists, which offer the demo
 * organisation, and sees the limitation warning; the demo clerk's inbox shows
 * the statutory clocks (an overdue case stands out), the case shows every
 * clock, and the clerk records the commission's extension of the award period.
 * Screens are saved at phone and laptop size to SCREENSHOT_DIR (default /tmp/yunting-shots).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from '../helpers/testServer.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
import { projectRoot } from '../../server/config.ts';

const run = promisify(execFile);
const shots = process.env.SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'yunting-shots');
const laptop = { width: 1366, height: 900 };

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let logins: Record<string, { username: string; password: string }>;
let demoOutput: string;
let dataDir: string;

async function demo(): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATA_DIR: dataDir, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, DATABASE_URL: '' };
  try {
    const { stdout, stderr } = await run(path.join(projectRoot, 'node_modules/.bin/tsx'), ['scripts/demo.ts'], { cwd: projectRoot, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-demo-'));
  const seeded = await demo();
  expect(seeded.code, seeded.stderr).toBe(0);
  demoOutput = seeded.stdout;
  logins = {};
  for (const match of demoOutput.matchAll(/^\s+(clerk|mediator|arbitrator)\s+(\S+)\s+(\S+)$/gm)) logins[match[1]!] = { username: match[2]!, password: match[3]! };
  t = await startTestServer({ dataDir });
  browser = await launchChromium();
}, 120_000);

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

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

async function login(page: Page, who: { username: string; password: string }) {
  await page.goto(`${t.url}/console`);
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await page.click('#login-btn');
}

describe('npm run demo, then the "Try it" path', () => {
  it('seeds the demo organisation once, with printed logins, and refuses a store with data', async () => {
    expect(demoOutput).toContain('440305 广东省 深圳市 南山区');
    expect(Object.keys(logins).sort()).toEqual(['arbitrator', 'clerk', 'mediator']);
    const again = await demo();
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/refuses to run: this store has real data/);
    const organisations = await t.api<{ organisations: { name: string; regionCode: string }[] }>('GET', '/api/public/organisations');
    expect(organisations.body.organisations).toHaveLength(1);
  });

  it('a phone applies from the region lists with the limitation warning; the clerk sees the clocks', async () => {
    const phone = await newPage(phoneViewport, true);
    await phone.goto(`${t.url}/apply`);
    await phone.waitForSelector('#region-province option[value="广东省"]', { state: 'attached' });
    // Every province is listed, with or without an organisation on the platform.
    expect(await phone.locator('#region-province option:not([disabled])').count()).toBe(31);
    await phone.selectOption('#region-province', '北京市');
    await phone.selectOption('#region-city', '北京市');
    await phone.selectOption('#region-county', '东城区');
    await expect.poll(() => phone.isVisible('#region-none')).toBe(true);

    await phone.fill('#applicant-name', '张三');
    await phone.fill('#applicant-id', '11010519491231002X');
    await phone.fill('#applicant-phone', '13800138000');
    await phone.fill('#applicant-address', '四川省达州市通川区');
    await phone.fill('#employer-name', '深圳市某建筑工程有限公司');
    await phone.fill('#employer-code', '91350100M000100Y43');
    await phone.fill('#employer-address', '深圳市南山区粤海街道');
    await phone.fill('#employer-contact', '刘经理 0755-12345678');
    await phone.check('#dispute-dismissal');
    await phone.fill('#facts', '2024年6月1日被公司口头辞退，未支付经济补偿。');
    await phone.fill('.claim-description', '支付违法解除劳动合同赔偿金');
    await phone.fill('.claim-amount', '16000');
    await phone.check('#employment-ended-yes');
    await phone.fill('#employment-ended-on', '2024-06-01');
    await phone.fill('#knew-on', '2024-06-01');
    await expect.poll(() => phone.isVisible('#limitation-warning')).toBe(true);
    expect(await phone.textContent('#limitation-warning')).toContain('可能已超过一年仲裁时效（2025-06-01届满）');

    await phone.selectOption('#region-province', '广东省');
    await phone.selectOption('#region-city', '深圳市');
    await phone.selectOption('#region-county', '南山区');
    // The demo organisation serves 南山区 and is chosen by itself.
    await expect.poll(() => phone.locator('#organisation option:checked').textContent()).toContain('云庭演示');
    expect(await phone.isVisible('#region-none')).toBe(false);
    await phone.check('#declare');
    await phone.locator('#limitation-warning').scrollIntoViewIfNeeded();
    await shot(phone, 'apply-phone');
    const wide = await newPage(laptop);
    await wide.goto(`${t.url}/apply`);
    await wide.waitForSelector('#region-province option[value="广东省"]', { state: 'attached' });
    await wide.check('#dispute-wage_arrears');
    await wide.check('#employment-ended-yes');
    await wide.fill('#employment-ended-on', '2024-01-15');
    await expect.poll(() => wide.isVisible('#limitation-warning')).toBe(true);
    await shot(wide, 'apply-laptop');

    // The warning never blocks: the application goes in.
    await phone.click('#submit-btn');
    await phone.waitForSelector('[data-testid="apply-success"]', { timeout: 15_000 });
    expect(await phone.textContent('#success-limitation')).toContain('可能已超过一年仲裁时效');
    await shot(phone, 'apply-success-phone');
    const serialNumber = (await phone.textContent('#serial-number'))!.trim();
    expect(serialNumber).toMatch(/^440305-/);

    // A second case whose hearing is scheduled too soon for the 5-day notice: overdue.
    const clerkToken = (await t.api<{ token: string }>('POST', '/api/auth/login', logins.clerk)).body.token;
    const staff = (await t.api<{ staff: { id: string; role: string }[] }>('GET', '/api/staff', undefined, clerkToken)).body.staff;
    const arbitratorId = staff.find((s) => s.role === 'arbitrator')!.id;
    const form = new FormData();
    const organisationId = (await t.api<{ organisations: { id: string }[] }>('GET', '/api/public/organisations')).body.organisations[0]!.id;
    form.append(
      'application',
      JSON.stringify({
        idempotencyKey: crypto.randomUUID(),
        organisationId,
        regionCode: '440305',
        disputeType: 'wage_arrears',
        facts: '2026年9月至11月工资未发放。',
        applicant: { name: '李四', idNumber: '11010519491231002X', phone: '13900139000', address: '湖南省衡阳市' },
        employer: { name: '深圳市某电子厂', creditCode: '91350100M000100Y43', address: '深圳市南山区西丽', contact: '0755-26001234' },
        claims: [{ description: '支付拖欠工资', amount: 21000 }],
        employment: { ended: false },
      }),
    );
    const second = (await (await fetch(`${t.url}/api/applications`, { method: 'POST', body: form })).json()) as { serialNumber: string };
    const list = (await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerkToken)).body.cases;
    const secondId = list.find((c) => c.serialNumber === second.serialNumber)!.id;
    await t.api('POST', `/api/cases/${secondId}/accept`, undefined, clerkToken);
    await t.api('POST', `/api/cases/${secondId}/assign`, { userId: arbitratorId }, clerkToken);
    await t.api('POST', `/api/cases/${secondId}/sessions`, { mode: 'hearing', scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() }, clerkToken);

    // ------------------------------------------------------- the clerk's inbox
    const desk = await newPage(laptop);
    await login(desk, logins.clerk!);
    const first = desk.locator(`tr[data-serial="${serialNumber}"]`);
    await first.waitFor();
    expect(await first.locator('.clock-cell [data-clock]').getAttribute('data-clock')).toBe('acceptance');
    expect(await first.locator('.clock-cell').textContent()).toContain('受理审查');
    expect(await first.locator('[data-limitation="LIMITATION_EXPIRED"]').count()).toBe(1);
    const overdue = desk.locator(`tr[data-serial="${second.serialNumber}"]`);
    expect(await overdue.getAttribute('data-urgency')).toBe('overdue');
    expect(await overdue.getAttribute('class')).toContain('urgent-overdue');
    expect(await overdue.locator('.badge-overdue').textContent()).toBe('开庭通知');
    // Overdue cases come first.
    expect(await desk.locator('tr.case-row').first().getAttribute('data-serial')).toBe(second.serialNumber);
    await shot(desk, 'inbox-laptop');
    const small = await newPage(phoneViewport, true);
    await login(small, logins.clerk!);
    await small.locator(`tr[data-serial="${serialNumber}"]`).waitFor();
    await shot(small, 'inbox-phone');

    // ------------------------------------------ the case: every clock, the extension
    await overdue.click();
    await desk.waitForSelector(`#case-detail[data-case-id="${secondId}"] #clocks-panel`);
    const states = await desk.locator('#clocks-panel tr.clock-row').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.clock}:${(r as HTMLElement).dataset.state}`));
    expect(states).toEqual(['acceptance:met', 'service:running', 'answer:not_started', 'hearing_notice:overdue', 'award:running']);
    await desk.click('#extend-btn');
    await desk.fill('#extend-days', '15');
    await desk.fill('#extend-reason', '案情复杂，需要调取社保记录');
    await desk.fill('#extend-by', '仲裁院院长 陈某');
    await desk.click('#extend-submit');
    await desk.waitForSelector('#extension-note');
    expect(await desk.textContent('#extension-note')).toContain('仲裁院院长 陈某');
    expect(await desk.locator('#clocks-panel tr[data-clock="award"]').textContent()).toContain('已延长15日');
    expect(await desk.isVisible('#extend-btn')).toBe(false);
    await desk.click('#step-served-btn');
    await expect.poll(() => desk.locator('#clocks-panel tr[data-clock="service"]').getAttribute('data-state')).toBe('met');
    await shot(desk, 'case-clocks-laptop');
    await small.click(`tr[data-serial="${second.serialNumber}"]`);
    await small.waitForSelector('#clocks-panel');
    await shot(small, 'case-clocks-phone');

    // ------------------------------------------------------------- statistics
    await desk.goto(`${t.url}/console#/stats`);
    await desk.waitForSelector('#clock-compliance');
    expect(await desk.locator('#clock-compliance tr[data-clock="hearing_notice"] .clock-missed').textContent()).toBe('1');
    await shot(desk, 'stats-laptop');
  }, 120_000);

  it('an admin adds an organisation by choosing its region from the lists, not typing a code', async () => {
    const page = await newPage(laptop);
    await login(page, ADMIN);
    await page.goto(`${t.url}/console#/admin`);
    await page.waitForSelector('#org-province option[value="44"]', { state: 'attached' });
    await page.fill('#org-name', '深圳市劳动人事争议仲裁院');
    await page.selectOption('#org-kind', 'arbitration_commission');
    await page.selectOption('#org-province', '44');
    await page.selectOption('#org-city', '4403');
    await shot(page, 'admin-org-laptop');
    await page.click('#org-create-btn');
    await expect
      .poll(async () => (await t.api<{ organisations: { name: string; regionCode: string; city: string }[] }>('GET', '/api/public/organisations')).body.organisations)
      .toContainEqual(expect.objectContaining({ name: '深圳市劳动人事争议仲裁院', regionCode: '440300', city: '深圳市' }));
  });
});
