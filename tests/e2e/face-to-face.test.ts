/**
 * Face-to-face mediation through the UI: a party waits in the lobby, seeing
 * nobody, until the mediator verifies and admits them from the console;
 * then both see and hear each other. The party's chat message reaches the
 * console, and an image the party shares appears in the console's evidence
 * list and opens there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { inboundStats, launchChromium, phoneViewport } from '../helpers/browser.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';

let t: TestServer;
let browser: Browser;
let orgId: string;
let mediator: Awaited<ReturnType<typeof seedStaff>>;
let clerk: Awaited<ReturnType<typeof seedStaff>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
  orgId = (await seedOrganisation(t)).id;
  mediator = await seedStaff(t, orgId, 'mediator', 'mediator1');
  clerk = await seedStaff(t, orgId, 'clerk', 'clerk1');
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

/** A case assigned to `host`, accepted by the clerk, with a session of the given mode scheduled now. */
async function caseSession(mode: 'face_to_face' | 'back_to_back' | 'hearing', host: { id: string; token: string }) {
  const applicant = { ...application(orgId).applicant, idNumber: residentId(1) };
  const created = await submitApplication(t, application(orgId, { applicant }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: host.id }, clerk.token);
  const session = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode, scheduledAt: new Date().toISOString() }, host.token);
  expect(session.status).toBe(201);
  return { caseId, roomId: session.body.id };
}

/** Signs in at /console on a laptop-sized page, opens the case and enters the session's room. */
async function consoleRoom(user: { username: string; password: string }, caseId: string, roomId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[console page error]', error.message));
  await page.goto(`${t.url}/console#/case/${caseId}`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await page.click('#login-btn');
  await page.click(`.enter-session-btn[data-room-id="${roomId}"]`);
  await page.click('#join-btn');
  await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
  return page;
}

/**
 * A phone (as `openPhone` opens one) in Chinese that says it is an Android
 * phone, so the page captures at phone size; joined through its invitation link.
 */
async function phone(url: string): Promise<Page> {
  const userAgent = `Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Mobile Safari/537.36`;
  const context = await browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', userAgent });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[phone page error]', error.message));
  await page.goto(`${url}&autojoin=1`);
  await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
  return page;
}

/** The host lets a waiting person in from the participant list: verify, then admit. */
async function admitFromConsole(desk: Page, name: string) {
  const row = `[data-participant-id][data-name="${name}"]`;
  await desk.click(`${row}[data-admitted="false"] [data-action="verify"]`);
  await desk.click(`${row}[data-verified="true"][data-admitted="false"] [data-action="admit"]`);
  await desk.waitForSelector(`${row}[data-admitted="true"]`, { state: 'attached' });
}

/** A 16×16 PNG (the server sniffs the bytes, so it must be a real image). */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHUlEQVR4nGP8z8DAQApgIkn1qIZRDaMahpIGABQ+AR+fQPq8AAAAAElFTkSuQmCC',
  'base64',
);

const flowing = (page: Page) =>
  expect
    .poll(() => inboundStats(page), { timeout: 30_000, interval: 500 })
    .toMatchObject({ audioPackets: expect.toSatisfy((n: number) => n > 20), framesDecoded: expect.toSatisfy((n: number) => n > 5) });

describe('face-to-face mediation', () => {
  it('lobby, admission, media both ways, chat and shared evidence', async () => {
    const { caseId, roomId } = await caseSession('face_to_face', mediator);
    const desk = await consoleRoom(mediator, caseId, roomId);
    const a = await phone((await t.invite(roomId, '张三', 'applicant')).url);

    // ------------------------------------------------------------ the lobby
    await a.waitForSelector('body[data-admitted="false"]');
    await a.waitForSelector('[data-testid="lobby"]', { state: 'visible' });
    expect(await a.textContent('[data-testid="lobby"]')).toContain('请稍候，调解员将核验您的身份后请您进入');
    expect(await a.textContent('[data-testid="lobby"]')).toContain('本次会议全程录音录像');
    expect(await a.locator('[data-testid="tile"]').count()).toBe(0);
    expect((await inboundStats(a)).bytes).toBe(0);
    // The console shows the waiting party with their camera, outside the grid.
    const row = '[data-participant-id][data-name="张三"]';
    await desk.waitForSelector(`${row}[data-admitted="false"] video.pp-video`);
    await expect.poll(() => desk.$eval(`${row} video.pp-video`, (v) => (v as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
    expect(await desk.locator('[data-testid="tile"]:visible').count()).toBe(0);

    await desk.click(`${row} [data-action="verify"]`);
    await desk.waitForSelector(`${row}[data-verified="true"] .pp-verified`);
    await desk.click(`${row} [data-action="admit"]`);
    await a.waitForSelector('body[data-admitted="true"]');
    await a.waitForSelector('[data-testid="lobby"]', { state: 'hidden' });

    // ------------------------------------------------- seeing and hearing
    await flowing(a);
    await flowing(desk);
    await expect.poll(() => a.locator('[data-testid="tile"]').allInnerTexts()).toContainEqual(expect.stringContaining('李调解员'));
    await expect.poll(() => desk.locator('[data-testid="tile"]:visible').allInnerTexts()).toContainEqual(expect.stringContaining('张三'));

    // ------------------------------------------- audio only, for weak networks
    const sfuPeer = (name: string) => [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === name)!;
    const cameraOf = (name: string) => [...sfuPeer(name).producers.values()].find((p) => p.appData.source === 'camera')!;
    const videoConsumersPaused = () => [...sfuPeer('张三').consumers.values()].filter((c) => c.kind === 'video').map((c) => c.paused);
    await a.click('#more-btn');
    await a.click('#audio-only-btn');
    await expect.poll(() => cameraOf('张三').paused).toBe(true);
    await expect.poll(videoConsumersPaused).toEqual([true]);
    expect(await a.getAttribute('#audio-only-btn', 'aria-pressed')).toBe('true');
    await a.click('#audio-only-btn');
    await expect.poll(() => cameraOf('张三').paused).toBe(false);
    await expect.poll(videoConsumersPaused).toEqual([false]);
    await a.click('#more-sheet .sheet-close');

    // ---------------------------------------------------------------- chat
    await a.click('#chat-btn');
    await a.fill('#chat-input', '调解员您好，我是申请人张三。');
    await a.click('#chat-send');
    await a.waitForSelector('.chat-msg.mine >> text=调解员您好，我是申请人张三。');
    await desk.waitForSelector('#tab-chat .tab-badge:not([hidden])');
    await desk.click('#tab-chat');
    await desk.waitForSelector('.chat-msg >> text=调解员您好，我是申请人张三。');
    expect(await desk.textContent('.chat-msg:not(.mine) .chat-from')).toBe('张三');

    // ------------------------------------------------------------ evidence
    await a.click('#chat-sheet .sheet-close');
    await a.click('#more-btn');
    await a.click('#evidence-btn');
    await a.setInputFiles('#evidence-file', { name: '工资条.png', mimeType: 'image/png', buffer: png });
    await a.waitForSelector('.shared-item >> text=工资条.png');
    await desk.waitForSelector('#tab-evidence .tab-badge:not([hidden])');
    await desk.click('#tab-evidence');
    await desk.click('.shared-item:has-text("工资条.png") .evidence-open');
    await desk.waitForSelector('#evidence-viewer img');
    await expect.poll(() => desk.$eval('#evidence-viewer img', (img) => (img as HTMLImageElement).naturalWidth)).toBe(16);
    const stored = await t.server.db.selectFrom('evidence').select(['file_name', 'room_id', 'audience']).where('case_id', '=', caseId).execute();
    expect(stored).toEqual([{ file_name: '工资条.png', room_id: roomId, audience: 'all' }]);
  });
});
