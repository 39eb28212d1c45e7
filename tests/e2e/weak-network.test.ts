/**
 * Weak networks with real browsers, through a real impaired loopback
 * (NFQUEUE drop and delay, scripts/netimpair): on a clean link the receiver
 * gets the sender's full camera width; under loss the quality indicator
 * turns to poor (on one's own tile and on the others' view of it) and back
 * to good when the link recovers; the poor period is in the session log and
 * the recording manifest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { inboundStats, launchChromium, phoneViewport } from '../helpers/browser.ts';
import { clean, NetImpair, netImpairUnavailable } from '../helpers/netImpair.ts';
import { autoAdmittingHost, type ClientSocket } from '../helpers/signallingClient.ts';

const unavailable = netImpairUnavailable();
const rtcPort = 46_100;
/** An Android phone's user agent: the page captures 640×480 as on a phone. */
const phoneUserAgent =
  'Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';

let t: TestServer;
let browser: Browser;
let impair: NetImpair | undefined;
const hosts: ClientSocket[] = [];

beforeAll(async () => {
  if (unavailable) return;
  t = await startTestServer({ roomCloseDelayMs: 200, media: { rtcPort } });
  impair = await NetImpair.start([Number(new URL(t.url).port), rtcPort]);
  browser = await launchChromium();
});
afterAll(async () => {
  for (const host of hosts) host.close();
  impair?.stop();
  await browser?.close();
  await t?.close();
});

async function openAndroidPhone(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: phoneUserAgent });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(`${url}&autojoin=1`);
  await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
  return page;
}

/** The width of the camera frames this page decodes from its one remote sender. */
const receivedWidth = (page: Page) =>
  page.evaluate(async () => {
    const s = (window as unknown as { __yunting?: { recvTransport?: { getStats(): Promise<RTCStatsReport> } } }).__yunting;
    let width = 0;
    (await s?.recvTransport?.getStats())?.forEach((x: Record<string, unknown>) => {
      if (x.type === 'inbound-rtp' && x.kind === 'video') width = Math.max(width, Number(x.frameWidth ?? 0));
    });
    return width;
  });

const selfQuality = (page: Page) => page.locator('[data-testid="self-quality"]').getAttribute('data-quality');

describe.skipIf(!!unavailable)('weak network', () => {
  it('full camera width on a clean link; poor under loss and back; the poor period in the log and the manifest', { timeout: 240_000 }, async () => {
    const room = await t.createRoom('弱网调解', 'face_to_face');
    hosts.push(await autoAdmittingHost(t.url, t.staffToken, room.id));
    const worker = await t.invite(room.id, '张三', 'applicant');
    const employer = await t.invite(room.id, '某公司', 'respondent');
    const a = await openAndroidPhone(worker.url);
    const b = await openAndroidPhone(employer.url);
    await expect.poll(async () => (await inboundStats(b)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(10);

    // Clean link: B decodes A's full capture width (640 on a phone), not a lower simulcast layer.
    const captured = await a.evaluate(() => (window as unknown as { __yunting: { session: { local: { videoTrack?: MediaStreamTrack } } } }).__yunting.session.local.videoTrack?.getSettings().width ?? 0);
    expect(captured).toBe(640);
    await expect.poll(() => receivedWidth(b), { timeout: 40_000, interval: 1_000 }).toBe(captured);
    await expect.poll(() => selfQuality(a), { timeout: 20_000 }).toBe('good');

    // 10 % loss and 150 ms each way: A's own indicator says poor, and so does B's view of A.
    await impair!.set({ loss: 0.1, delayMs: 150, jitterMs: 20 });
    await expect.poll(() => selfQuality(a), { timeout: 40_000, interval: 500 }).toBe('poor');
    const aPeerId = await a.evaluate(() => (window as unknown as { __yunting: { peerId: string } }).__yunting.peerId);
    await expect
      .poll(() => b.locator(`[data-testid="tile"][data-peer-id="${aPeerId}"] [data-testid="quality"]`).getAttribute('data-quality'), { timeout: 30_000, interval: 500 })
      .not.toBe('good');
    await expect.poll(() => b.locator(`[data-testid="tile"][data-peer-id="${aPeerId}"] [data-testid="quality"]`).innerText()).toMatch(/网络较差|连接中断|Poor connection|Connection lost/);

    // The link recovers: back to good (after three good samples in a row).
    await impair!.set(clean);
    await expect.poll(() => selfQuality(a), { timeout: 60_000, interval: 500 }).toBe('good');

    // The server's level is the worse of the page's report and the SFU's scores, which recover a little later.
    const levelsOfA = async () => {
      const logged = await t.server.db.selectFrom('session_events').select(['detail', 'at']).where('room_id', '=', room.id).where('kind', '=', 'connection.quality').orderBy('at').execute();
      return logged.map((e) => JSON.parse(e.detail) as { name: string; level: string }).filter((d) => d.name === '张三').map((d) => d.level);
    };
    await expect.poll(async () => (await levelsOfA()).at(-1), { timeout: 30_000, interval: 500 }).toBe('good');
    expect(await levelsOfA()).toContain('poor');

    // The session ends; the composed recording's manifest lists A's poor period with its end.
    const recording = await t.server.db.selectFrom('recordings').selectAll().where('room_id', '=', room.id).executeTakeFirstOrThrow();
    await a.context().close();
    await b.context().close();
    for (const host of hosts.splice(0)) host.close();
    await expect
      .poll(async () => (await t.server.db.selectFrom('recordings').select('status').where('id', '=', recording.id).executeTakeFirstOrThrow()).status, { timeout: 90_000, interval: 500 })
      .toBe('composed');
    const recordingsDir = t.server.recordings['config'].recordingsDir as string;
    const manifest = JSON.parse(readFileSync(path.join(recordingsDir, room.id, recording.id, 'manifest.json'), 'utf8')) as {
      connectionQuality: { name: string; level: string; from: string; to: string | null; seconds: number | null }[];
    };
    const poor = manifest.connectionQuality.find((p) => p.name === '张三' && p.level === 'poor');
    expect(poor).toBeDefined();
    expect(poor!.to).not.toBeNull();
    expect(poor!.seconds!).toBeGreaterThan(1);
  });
});
