/**
 * Face-to-face mediation through the UI: a party waits in the lobby, seeing
 * nobody, until the mediator verifies and admits them from the console;
 * then both see and hear each other. The party's chat message reaches the
 * console, and an image the party shares appears in the console's evidence
 * list and opens there.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { inboundStats } from '../helpers/browser.ts';
import { sessionWorld } from '../helpers/sessionWorld.ts';

const w = sessionWorld('mediator');

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
    const { caseId, roomId } = await w.caseSession('face_to_face');
    const desk = await w.consoleRoom(caseId, roomId);
    const a = await w.phone((await w.t.invite(roomId, '张三', 'applicant')).url);

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
    // The console and the phone show what is really recorded.
    await expect.poll(() => desk.locator('[data-testid="rec-badge"]').innerText()).toBe('录像中');
    await expect.poll(() => a.locator('[data-testid="rec-badge"]').innerText()).toBe('录像中');
    await expect.poll(() => a.locator('[data-testid="tile"]').allInnerTexts()).toContainEqual(expect.stringContaining('李调解员'));
    await expect.poll(() => desk.locator('[data-testid="tile"]:visible').allInnerTexts()).toContainEqual(expect.stringContaining('张三'));

    // ------------------------------------------- audio only, for weak networks
    const sfuPeer = (name: string) => [...w.t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === name)!;
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
    const stored = await w.t.server.db.selectFrom('evidence').select(['file_name', 'room_id', 'audience']).where('case_id', '=', caseId).execute();
    expect(stored).toEqual([{ file_name: '工资条.png', room_id: roomId, audience: 'all' }]);
  });
});
