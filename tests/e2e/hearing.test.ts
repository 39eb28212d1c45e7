/**
 * A fast-track hearing in real browsers: the arbitrator (console) admits
 * both parties and walks the hearing through its eight phases with the
 * next-phase button, closing with a ruling and a note; each phone shows
 * every phase as it comes. During the debate the arbitrator mutes the
 * applicant from the participant list: the SFU pauses the applicant's mic,
 * the phone shows it and cannot unmute itself; the applicant's raised hand
 * reaches the console; then the floor is given back. The session log holds
 * the eight phases in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';

let t: TestServer;
let browser: Browser;
let orgId: string;
let arbitrator: Awaited<ReturnType<typeof seedStaff>>;
let clerk: Awaited<ReturnType<typeof seedStaff>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
  orgId = (await seedOrganisation(t)).id;
  arbitrator = await seedStaff(t, orgId, 'arbitrator', 'arbitrator1');
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

/** The mic and camera producers of a participant, as the SFU holds them. */
async function producersOf(roomId: string, name: string) {
  let found: { mic?: string; camera?: string } = {};
  await expect
    .poll(() => {
      const peer = [...(t.server.liveRooms.get(roomId)?.peers.values() ?? [])].find((p) => p.displayName === name);
      const producers = [...(peer?.producers.values() ?? [])];
      found = {
        mic: producers.find((p) => p.appData.source === 'mic')?.id,
        camera: producers.find((p) => p.appData.source === 'camera')?.id,
      };
      return !!found.mic && !!found.camera;
    }, { timeout: 20_000 })
    .toBe(true);
  return found as { mic: string; camera: string };
}

const PHASES = ['opening', 'notice', 'claims_defence', 'investigation', 'debate', 'mediation', 'final_statements', 'closing'] as const;

type TestHook = { __yunting: { request(name: string, payload: unknown): Promise<unknown> } };

describe('fast-track hearing', () => {
  it('moves through the phases at the arbitrator’s word, with floor control', async () => {
    const { caseId, roomId } = await caseSession('hearing', arbitrator);
    const desk = await consoleRoom(arbitrator, caseId, roomId);
    const a = await phone((await t.invite(roomId, '张三', 'applicant')).url);
    const b = await phone((await t.invite(roomId, '深圳市某建筑工程有限公司', 'respondent')).url);
    await desk.waitForSelector('[data-participant-id][data-name="深圳市某建筑工程有限公司"][data-admitted="false"]');
    await admitFromConsole(desk, '张三');
    await admitFromConsole(desk, '深圳市某建筑工程有限公司');
    await a.waitForSelector('body[data-admitted="true"]');
    await b.waitForSelector('body[data-admitted="true"]');
    // Before the opening everyone sees that the hearing has not started.
    await a.waitForSelector('[data-testid="phase"][data-phase=""]', { state: 'visible' });
    const pa = await producersOf(roomId, '张三');

    await desk.click('#tab-flow');
    for (const phase of PHASES) {
      if (phase === 'closing') {
        await desk.click('#next-phase');
        await desk.check('input[name="closing-outcome"][value="ruling"]');
        await desk.fill('#closing-note', '当庭裁决：被申请人于十日内支付拖欠工资8000元。');
        await desk.click('#closing-confirm');
      } else {
        expect(await desk.getAttribute('#next-phase', 'data-next')).toBe(phase);
        await desk.click('#next-phase');
      }
      await Promise.all([
        desk.waitForSelector(`[data-testid="phase"][data-phase="${phase}"]`, { state: 'attached' }),
        ...[a, b].map((party) => party.waitForSelector(`[data-testid="phase"][data-phase="${phase}"]`, { state: 'visible' })),
      ]);
      expect(await a.textContent('[data-testid="phase"] .phase-name')).toBe(await desk.textContent(`.phase-item[data-phase="${phase}"] .phase-text`));

      if (phase !== 'debate') continue;
      // ------------------------------------------- floor control in the debate
      await desk.click('#tab-participants');
      await desk.click('[data-participant-id][data-name="张三"] [data-action="mute"]');
      await expect.poll(() => t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!.paused).toBe(true);
      await a.waitForSelector('[data-testid="muted-by-host"]', { state: 'visible' });
      expect(await a.textContent('[data-testid="muted-by-host"]')).toContain('主持人已将您静音');
      expect(await a.isDisabled('#mute-btn')).toBe(true);
      const resumed = await a.evaluate(
        (producerId) => (window as unknown as TestHook).__yunting.request('producer:resume', { producerId }),
        pa.mic,
      );
      expect(resumed).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!.paused).toBe(true);
      await desk.waitForSelector('[data-participant-id][data-name="张三"][data-muted="true"] [data-action="unmute"]');

      await a.click('#hand-btn');
      await desk.waitForSelector('[data-participant-id][data-name="张三"][data-hand="true"] .pp-hand');
      await desk.waitForSelector('.tile.hand-raised', { state: 'visible' });
      // Giving the floor back: the SFU resumes the mic and the phone may speak again.
      await desk.click('[data-participant-id][data-name="张三"] [data-action="unmute"]');
      await expect.poll(() => t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!.paused).toBe(false);
      await a.waitForSelector('[data-testid="muted-by-host"]', { state: 'hidden' });
      expect(await a.isDisabled('#mute-btn')).toBe(false);
      await desk.click('#tab-flow');
    }
    await desk.waitForSelector('#next-phase', { state: 'hidden' });

    const log = await t.server.db
      .selectFrom('session_events')
      .select(['kind', 'detail', 'at'])
      .where('room_id', '=', roomId)
      .where('kind', '=', 'phase.changed')
      .orderBy('at')
      .orderBy('id')
      .execute();
    const phases = log.map((e) => JSON.parse(e.detail) as { phase: string; outcome?: string; note?: string });
    expect(phases.map((p) => p.phase)).toEqual([...PHASES]);
    expect(phases.at(-1)).toMatchObject({ outcome: 'ruling', note: '当庭裁决：被申请人于十日内支付拖欠工资8000元。' });
    const times = log.map((e) => Date.parse(e.at));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
  });
});
