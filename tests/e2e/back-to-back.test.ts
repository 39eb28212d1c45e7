/**
 * Back-to-back mediation in real browsers: a mediator in the console admits
 * the applicant (A) and the respondent (B), both on phones. While the
 * mediator talks privately with A, B's page says so, B receives nothing of
 * A or the mediator (the SFU closed those consumers) and cannot forge a
 * consume; A keeps receiving the mediator. Back in the joint session B
 * receives A again, and the session log holds both switches with times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
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

interface ConsumerStat {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: string;
  bytesReceived: number;
}

const consumerStats = (page: Page) =>
  page.evaluate(() => (window as unknown as { __yunting: { consumerStats(): Promise<ConsumerStat[]> } }).__yunting.consumerStats());

const bytesByProducer = async (page: Page) => new Map((await consumerStats(page)).map((s) => [s.producerId, s.bytesReceived]));

/** Resolves once every listed producer's bytes grew between two samples a second apart. */
async function receiving(page: Page, producerIds: string[], timeout = 25_000) {
  let last = new Map<string, number>();
  await expect
    .poll(
      async () => {
        const now = await bytesByProducer(page);
        const growing = producerIds.filter((id) => (now.get(id) ?? 0) > (last.get(id) ?? Number.POSITIVE_INFINITY));
        last = now;
        return growing.sort();
      },
      { timeout, interval: 1000 },
    )
    .toEqual([...producerIds].sort());
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

describe('back-to-back mediation', () => {
  it('cuts the other side off during a private talk, in the SFU, and brings them back', async () => {
    const { caseId, roomId } = await caseSession('back_to_back', mediator);
    const desk = await consoleRoom(mediator, caseId, roomId);
    const a = await phone((await t.invite(roomId, '张三', 'applicant')).url);
    const b = await phone((await t.invite(roomId, '深圳市某建筑工程有限公司', 'respondent')).url);

    // Both wait in the lobby until the mediator lets them in from the console.
    expect(await a.getAttribute('body', 'data-admitted')).toBe('false');
    await desk.waitForSelector('[data-participant-id][data-name="深圳市某建筑工程有限公司"][data-admitted="false"]');
    await admitFromConsole(desk, '张三');
    await admitFromConsole(desk, '深圳市某建筑工程有限公司');
    await a.waitForSelector('body[data-admitted="true"]');
    await b.waitForSelector('body[data-admitted="true"]');

    const pa = await producersOf(roomId, '张三');
    const pm = await producersOf(roomId, '李调解员');
    await receiving(b, [pa.mic, pa.camera, pm.mic, pm.camera]);

    // ------------------------------------------------ private talk with A
    await desk.click('#tab-flow');
    await desk.click('#private-applicant');
    await desk.waitForSelector('[data-testid="private-status"][data-side="applicant"]');
    await b.waitForSelector('[data-testid="private-notice"]', { state: 'visible' });
    expect(await b.textContent('[data-testid="private-notice"]')).toContain('调解员正在与对方单独沟通，请稍候');
    await a.waitForSelector('[data-testid="private-with-you"]', { state: 'visible' });

    // B's consumers of A and the mediator are gone (closed by the SFU) or frozen.
    const cut = [pa.mic, pa.camera, pm.mic, pm.camera];
    await expect
      .poll(() => {
        const peerB = [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === '深圳市某建筑工程有限公司')!;
        return [...peerB.consumers.values()].filter((c) => cut.includes(c.producerId)).length;
      })
      .toBe(0);
    const before = await bytesByProducer(b);
    await b.waitForTimeout(3000);
    const after = await bytesByProducer(b);
    for (const id of cut) expect(after.get(id) ?? 0, `B still receives ${id}`).toBe(before.get(id) ?? 0);
    // The page dropped those consumers and their audio elements too.
    expect([...after.keys()].filter((id) => cut.includes(id))).toEqual([]);
    expect(await b.locator('.audio-sink audio').count()).toBe(0);

    // A, in the talk, still receives the mediator.
    await receiving(a, [pm.mic, pm.camera]);

    // A consume forged from B's page is refused as if A's camera did not exist.
    const forged = await b.evaluate(
      (producerId) =>
        (window as unknown as { __yunting: { request(name: string, payload: unknown): Promise<unknown> } }).__yunting.request('consumer:create', {
          producerId,
        }),
      pa.camera,
    );
    expect(forged).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // ------------------------------------------------ back to the joint session
    await desk.click('#private-end');
    await desk.waitForSelector('[data-testid="private-status"][data-side="none"]');
    await b.waitForSelector('[data-testid="private-notice"]', { state: 'hidden' });
    await receiving(b, [pa.mic, pa.camera, pm.mic, pm.camera]);

    const events = await t.server.db
      .selectFrom('session_events')
      .select(['kind', 'detail', 'at'])
      .where('room_id', '=', roomId)
      .where('kind', 'like', 'private.%')
      .orderBy('at')
      .execute();
    expect(events.map((e) => [e.kind, (JSON.parse(e.detail) as { side: string }).side])).toEqual([
      ['private.started', 'applicant'],
      ['private.ended', 'applicant'],
    ]);
    const [started, ended] = events.map((e) => Date.parse(e.at));
    expect(started).toBeGreaterThan(0);
    // The talk lasted at least the three seconds sampled above.
    expect(ended! - started!).toBeGreaterThanOrEqual(3000);
  });
});
