/**
 * Two phone browsers open two invitation links to one room and see and hear
 * each other through mediasoup; a third, invited to another room, receives
 * nothing of the first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { inboundStats, launchChromium, openPhone } from '../helpers/browser.ts';
import { autoAdmittingHost, type ClientSocket } from '../helpers/signallingClient.ts';

let t: TestServer;
let browser: Browser;
const hosts: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const host of hosts) host.close();
  await browser?.close();
  await t?.close();
});

const flowing = async (page: Page) => {
  await expect
    .poll(async () => inboundStats(page), { timeout: 30_000, interval: 500 })
    .toMatchObject({ audioPackets: expect.toSatisfy((n: number) => n > 20), framesDecoded: expect.toSatisfy((n: number) => n > 5) });
};

describe('two phones in one room', () => {
  it('each receives the other’s audio and video; a third room stays sealed', async () => {
    const room = await t.createRoom('欠薪纠纷调解', 'face_to_face');
    const other = await t.createRoom('另一房间', 'face_to_face');
    // A mediator in each room lets waiting participants in from the lobby.
    hosts.push(await autoAdmittingHost(t.url, t.staffToken, room.id), await autoAdmittingHost(t.url, t.staffToken, other.id));
    const worker = await t.invite(room.id, '张三', 'applicant');
    const employer = await t.invite(room.id, '某建筑公司', 'respondent');
    const stranger = await t.invite(other.id, '无关人员', 'applicant');

    const a = await openPhone(browser, `${worker.url}&autojoin=1`);
    const b = await openPhone(browser, `${employer.url}&autojoin=1`);
    const c = await openPhone(browser, `${stranger.url}&autojoin=1`);

    await flowing(a);
    await flowing(b);
    const statsA = await inboundStats(a);
    const statsB = await inboundStats(b);
    expect(statsA.videoPackets).toBeGreaterThan(0);
    expect(statsB.videoPackets).toBeGreaterThan(0);

    // Each phone shows the other's tile (and the mediator's).
    await expect.poll(() => a.locator('[data-testid="tile"]').allInnerTexts()).toContainEqual(expect.stringContaining('某建筑公司'));
    await expect.poll(() => b.locator('[data-testid="tile"]').allInnerTexts()).toContainEqual(expect.stringContaining('张三'));

    const statsC = await inboundStats(c);
    expect(statsC).toEqual({ audioPackets: 0, videoPackets: 0, framesDecoded: 0, bytes: 0 });
    const tilesC = (await c.locator('[data-testid="tile"]').allInnerTexts()).join(' ');
    expect(tilesC).not.toContain('张三');
    expect(tilesC).not.toContain('某建筑公司');
    const sealedPeer = [...t.server.liveRooms.get(other.id)!.peers.values()].find((p) => p.identity.role === 'applicant')!;
    expect(sealedPeer.consumers.size).toBe(0);
  });
});
