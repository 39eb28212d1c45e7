/**
 * The recording badge on a real phone page shows what the server really
 * records: 录像中 while every track is recorded, 录像中断：张三 的视频 within
 * 5 s of the camera's recorder being killed (and 录像中 again once its next
 * part runs), 未录像 on a server with recording switched off.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { launchChromium, phoneViewport } from '../helpers/browser.ts';
import { autoAdmittingHost, type ClientSocket } from '../helpers/signallingClient.ts';
import { pidsMentioning } from '../helpers/recordingProbe.ts';

let browser: Browser;
const servers: TestServer[] = [];
const hosts: ClientSocket[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  for (const host of hosts) host.close();
  await browser?.close();
  for (const server of servers) await server.close();
});

/** A phone in Chinese, joined through its link. */
async function openPhone(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(url);
  await page.waitForSelector('body[data-state="joined"]', { timeout: 30_000 });
  return page;
}

const badge = (page: import('playwright-core').Page) => page.locator('[data-testid="rec-badge"]').innerText();

describe('the recording badge', () => {
  it('shows 录像中, then 录像中断 naming the track whose recorder died, then 录像中 again', async () => {
    const t = await startTestServer({ roomCloseDelayMs: 200 });
    servers.push(t);
    const room = await t.createRoom('录像状态');
    hosts.push(await autoAdmittingHost(t.url, t.staffToken, room.id));
    const worker = await t.invite(room.id, '张三', 'applicant');
    const phone = await openPhone(browser, `${worker.url}&autojoin=1`);
    await expect.poll(() => badge(phone), { timeout: 30_000 }).toBe('录像中');

    // The open part of the phone's current camera producer, once it has registered a segment (so it is not one being replaced).
    const cameraPart = async () => {
      const peer = [...(t.server.liveRooms.get(room.id)?.peers.values() ?? [])].find((p) => p.displayName === '张三');
      const camera = [...(peer?.producers.values() ?? [])].find((p) => p.appData.source === 'camera');
      if (!camera) return undefined;
      const part = await t.server.db.selectFrom('recording_parts').selectAll().where('producer_id', '=', camera.id).where('ended_at', 'is', null).executeTakeFirst();
      const segments = part ? await t.server.db.selectFrom('recording_segments').select('id').where('part_id', '=', part.id).execute() : [];
      return segments.length > 0 ? part : undefined;
    };
    await expect.poll(async () => (await cameraPart()) !== undefined, { timeout: 30_000 }).toBe(true);
    const part = (await cameraPart())!;
    await expect.poll(() => pidsMentioning(part.id).length, { timeout: 10_000 }).toBe(1);
    process.kill(pidsMentioning(part.id)[0]!, 'SIGKILL');
    await expect.poll(() => badge(phone), { timeout: 5_000, interval: 100 }).toBe('录像中断：张三 的视频');
    await expect.poll(() => phone.locator('[data-testid="rec-badge"]').getAttribute('data-state')).toBe('interrupted');
    await expect.poll(() => badge(phone), { timeout: 30_000, interval: 250 }).toBe('录像中');
    // The same state in English.
    await phone.evaluate(() => document.querySelector<HTMLButtonElement>('#lang-btn')?.click());
    await expect.poll(() => badge(phone)).toBe('Recording');
  });

  it('shows 未录像 where recording is switched off, and no "recorded" notice in the lobby', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-norec-'));
    const t = await startTestServer({ dataDir, roomCloseDelayMs: 200, recording: { enabled: false, dir: path.join(dataDir, 'recordings'), segmentSeconds: 10, retentionDays: 0 } });
    servers.push(t);
    const room = await t.createRoom('不录像');
    const worker = await t.invite(room.id, '李四', 'applicant');
    // Nobody admits: the phone waits in the lobby.
    const phone = await openPhone(browser, `${worker.url}&autojoin=1`);
    await expect.poll(() => phone.locator('[data-testid="rec-badge"]').textContent(), { timeout: 30_000 }).toBe('未录像');
    await expect.poll(() => phone.locator('[data-testid="lobby-record"]').isHidden()).toBe(true);
  });
});
