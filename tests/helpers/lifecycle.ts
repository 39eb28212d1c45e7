/** Small steps shared by the session-lifecycle browser tests: screenshots, media checks, in-room signing. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { inboundStats } from './browser.ts';

const screenshots = process.env.SCREENSHOT_DIR;

export async function shot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

/** Remote video frames and audio packets keep arriving on this page. */
export async function mediaFlows(page: Page): Promise<void> {
  const before = await inboundStats(page);
  await expect
    .poll(async () => {
      const now = await inboundStats(page);
      return now.framesDecoded > before.framesDecoded && now.audioPackets > before.audioPackets;
    }, { timeout: 30_000 })
    .toBe(true);
}

/** Records every value body[data-state] takes from the first script on (to prove a screen was never shown). */
export async function recordStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __states: string[] }).__states = seen;
    const watch = () => {
      const body = document.body;
      if (!body) return void requestAnimationFrame(watch);
      seen.push(body.dataset.state ?? '');
      new MutationObserver(() => seen.push(body.dataset.state ?? '')).observe(body, { attributes: true, attributeFilter: ['data-state'] });
    };
    watch();
  });
}

export function statesOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __states: string[] }).__states ?? []);
}

/** From the prompt over the room: read the document to its end, draw a signature and confirm. */
export async function signInRoom(page: Page, from: 'prompt' | 'menu' = 'prompt'): Promise<void> {
  if (from === 'prompt') {
    await page.waitForSelector('#sign-prompt:not([hidden])', { timeout: 30_000 });
    await page.click('#sign-prompt-open');
  } else {
    await page.click('#more-btn');
    await page.click('#docs-btn');
    await page.click('#docs-sheet .life-doc-sign');
  }
  await page.waitForSelector('#room-sign:not([hidden])');
  await page.locator('.room-sign-end').scrollIntoViewIfNeeded();
  await page.locator('#room-sign-go:not([disabled])').click();
  await page.waitForSelector('#room-sign-pad');
  await page.waitForTimeout(100);
  const box = (await page.locator('#room-sign-pad').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) await page.mouse.move(box.x + box.width * (0.15 + (0.7 * i) / 30), box.y + box.height * (0.5 + 0.25 * Math.sin(i / 3)));
  await page.mouse.up();
  await page.click('#room-sign-confirm');
  await page.waitForSelector('#room-sign', { state: 'hidden', timeout: 30_000 });
}
