/**
 * A worker applies from a phone and watches the case move live while a
 * clerk accepts, assigns, schedules and invites from the console; the
 * worker joins the session by the invitation link, the mediator enters it
 * from the console, and the tracking page shows "in session" — all without
 * reloading the tracking page. Afterwards the worker rates the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';

let t: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

const laptop = { width: 1366, height: 900 };

async function newPage(viewport: { width: number; height: number }, phone = false): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  return page;
}

/** A 16×16 PNG made on the fly: signature, IHDR, one IDAT, IEND (the server sniffs the bytes). */
function tinyPng(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHUlEQVR4nGP8z8DAQApgIkn1qIZRDaMahpIGABQ+AR+fQPq8AAAAAElFTkSuQmCC',
    'base64',
  );
}

async function fillApplication(page: Page, idNumber: string): Promise<void> {
  await page.fill('#applicant-name', '张三');
  await page.fill('#applicant-id', idNumber);
  await page.fill('#applicant-phone', '13800138000');
  await page.fill('#applicant-address', '广东省深圳市南山区科技园路1号');
  await page.fill('#employer-name', '深圳市某建筑工程有限公司');
  await page.fill('#employer-code', '91350100M000100Y43');
  await page.fill('#employer-address', '深圳市南山区粤海街道');
  await page.fill('#employer-contact', '刘经理 0755-12345678');
  await page.check('#dispute-wage_arrears');
  await page.fill('#facts', '2023年3月入职任钢筋工，约定月工资8000元，2024年5月工资至今未发放。');
  await page.fill('.claim-description', '支付2024年5月工资');
  await page.fill('.claim-amount', '8000');
  await page.setInputFiles('#evidence-input', { name: '工资条.png', mimeType: 'image/png', buffer: tinyPng() });
  await page.selectOption('#region-province', '广东省');
  await page.selectOption('#region-city', '深圳市');
  await page.selectOption('#region-county', '南山区');
  await page.check('#declare');
}

describe('online application → live progress → session', () => {
  it('a phone applies and follows each step the clerk takes, then joins the session', async () => {
    // ------------------------------------------------------------ set-up by API
    const org = await t.api<{ id: string }>(
      'POST',
      '/api/organisations',
      { name: '深圳市南山区劳动人事争议调解中心', kind: 'mediation_organisation', regionCode: '440305', province: '广东省', city: '深圳市', county: '南山区' },
      t.staffToken,
    );
    expect(org.status).toBe(201);
    const clerk = { username: 'clerk.ns', password: 'clerk-password-1' };
    const mediator = { username: 'mediator.ns', password: 'mediator-password-1' };
    const clerkRes = await t.api('POST', '/api/staff', { ...clerk, displayName: '李书记员', role: 'clerk', organisationId: org.body.id }, t.staffToken);
    expect(clerkRes.status).toBe(201);
    const mediatorRes = await t.api<{ id: string }>(
      'POST',
      '/api/staff',
      { ...mediator, displayName: '王调解员', role: 'mediator', organisationId: org.body.id },
      t.staffToken,
    );
    expect(mediatorRes.status).toBe(201);

    // --------------------------------------------- the worker applies (phone)
    const phone = await newPage(phoneViewport, true);
    await phone.goto(`${t.url}/apply`);
    await phone.waitForSelector('#region-province option[value="广东省"]', { state: 'attached' });

    // A wrong check digit is refused at the field, in Chinese, and nothing is filed.
    await fillApplication(phone, '110105194912310021');
    await phone.click('#submit-btn');
    const idError = phone.locator('#applicant-id-error');
    await expect.poll(() => idError.isVisible()).toBe(true);
    expect(await idError.textContent()).toMatch(/身份证号码/);
    const none = await t.api<{ cases: unknown[] }>('GET', '/api/cases', undefined, t.staffToken);
    expect(none.body.cases).toEqual([]);

    await phone.fill('#applicant-id', '11010519491231002X');
    await phone.click('#submit-btn');
    await phone.waitForSelector('[data-testid="apply-success"]', { timeout: 15_000 });
    const serialNumber = (await phone.textContent('#serial-number'))!.trim();
    const trackingCode = (await phone.textContent('#tracking-code'))!.trim();
    expect(serialNumber).toMatch(/^440305-\d{8}-\d{4}$/);
    expect(trackingCode).toMatch(/^[A-Z2-9]{8}$/);
    const filed = await t.api<{ cases: { id: string; serialNumber: string; claimedCents: number }[] }>('GET', '/api/cases', undefined, t.staffToken);
    expect(filed.body.cases).toHaveLength(1);
    expect(filed.body.cases[0]).toMatchObject({ serialNumber, claimedCents: 800_000 });
    const caseId = filed.body.cases[0]!.id;

    // ---------------------------------------------------- the worker watches
    await phone.click('#track-link');
    const status = (value: string) => phone.waitForSelector(`[data-testid="case-status"][data-status="${value}"]`, { timeout: 15_000 });
    await status('submitted');
    await phone.waitForSelector('.live-indicator.is-live', { timeout: 15_000 });
    // Set on this document only: still there at the end means the page never reloaded.
    await phone.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // ------------------------------------------------- the clerk (laptop)
    const desk = await newPage(laptop);
    await desk.goto(`${t.url}/console`);
    await desk.fill('#username', clerk.username);
    await desk.fill('#password', clerk.password);
    await desk.click('#login-btn');
    await desk.click(`tr[data-serial="${serialNumber}"]`);
    await desk.waitForSelector(`#case-detail[data-case-id="${caseId}"]`);

    await desk.click('#accept-btn');
    const respondentCode = (await desk.textContent('#respondent-code'))!.trim();
    expect(respondentCode).toMatch(/^[A-Z2-9]{8}$/);
    await desk.click('#dialog-close');
    await status('accepted');

    await desk.waitForSelector(`#assign-select option[value="${mediatorRes.body.id}"]`, { state: 'attached' });
    await desk.selectOption('#assign-select', mediatorRes.body.id);
    await desk.click('#assign-btn');
    await status('assigned');

    await desk.waitForSelector('#schedule-btn');
    await desk.selectOption('#schedule-mode', 'face_to_face');
    await desk.fill('#schedule-at', '2030-01-15T09:30');
    await desk.click('#schedule-btn');
    await status('scheduled');

    await desk.waitForSelector('.session-item');
    await desk.fill('#invite-name', '张三');
    await desk.selectOption('#invite-role', 'applicant');
    await desk.click('#invite-btn');
    const inviteUrl = await desk.locator('.invite-url').first().inputValue();
    const shortCode = (await desk.locator('.invite-code').first().textContent())!.trim();
    expect(inviteUrl).toContain('/join#token=');
    expect(shortCode).toMatch(/^\d{8}$/);

    const detail = await t.api<{ sessions: { id: string; mode: string; scheduledAt: string }[] }>('GET', `/api/cases/${caseId}`, undefined, t.staffToken);
    expect(detail.body.sessions).toHaveLength(1);
    expect(detail.body.sessions[0]!.mode).toBe('face_to_face');

    // --------------------------------------- the worker joins the session
    const room = await phone.context().newPage();
    room.on('pageerror', (error) => console.error('[page error]', error.message));
    await room.goto(`${inviteUrl}&autojoin=1`);
    await room.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });

    // ------------------------- the mediator enters from the console; "in session"
    const host = await newPage(laptop);
    await host.goto(`${t.url}/console`);
    await host.fill('#username', mediator.username);
    await host.fill('#password', mediator.password);
    await host.click('#login-btn');
    await host.click(`tr[data-serial="${serialNumber}"]`);
    await host.click('.enter-session-btn');
    await host.click('#join-btn');
    await host.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
    await status('in_session');

    // The tracking page followed every step live, in one document.
    expect(await phone.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    const steps = await phone.locator('.timeline-step.is-done').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.step));
    expect(steps).toEqual(['submitted', 'accepted', 'assigned', 'scheduled']);

    // ------------------------------------- leaving, the worker rates the session
    await room.click('.ctl-leave');
    // 离开 asks first (the session stays open for the others).
    await room.click('#leave-confirm');
    await room.waitForSelector('#rating', { timeout: 15_000 });
    await room.click('.star[data-score="5"]');
    await room.fill('#rating-comment', '调解员很耐心');
    await room.click('#rating-submit');
    await room.waitForSelector('.rating-thanks');
    const rated = await t.api<{ ratings: { score: number }[] }>('GET', `/api/cases/${caseId}`, undefined, t.staffToken);
    expect(rated.body.ratings).toEqual([expect.objectContaining({ score: 5, comment: '调解员很耐心' })]);
  });
});
