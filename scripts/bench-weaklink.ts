/**
 * Weak-link page load: from opening an invitation link to the device check
 * being ready (the join button enabled), in Chromium under slow-3G network
 * emulation (CDP Network.emulateNetworkConditions: 400 ms RTT, 400 kbit/s
 * down and up), each run with a cold cache (a fresh browser context).
 * The same page is also loaded with `Accept-Encoding: identity` (what the
 * page cost before its assets were precompressed), for comparison.
 * Bounded: at most 5 runs of each kind, 60 s each.
 * Last line `weak_link_to_ready_ms=<n>` (median, compressed). Goal ≤ 3 s.
 * Usage: npm run bench:weaklink -- [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildServer } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { launchChromium, phoneViewport } from '../tests/helpers/browser.ts';

const runs = Math.min(5, Math.max(1, Number(process.argv[2] ?? 3)));
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-bench-weak-'));
const server = await buildServer(testConfig({ dataDir, adminPassword: 'bench-password' }));
const url = await server.listen();
const browser = await launchChromium();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function loadOnce(b: Browser, link: string, identity: boolean) {
  const context = await b.newContext({ viewport: phoneViewport, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    if (identity) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
    let transferred = 0;
    let scriptBytes = 0;
    const scripts = new Map<string, string>();
    cdp.on('Network.responseReceived', (event) => {
      if (event.type === 'Script') scripts.set(event.requestId, event.response.headers['content-encoding'] ?? 'identity');
    });
    cdp.on('Network.loadingFinished', (event) => {
      transferred += event.encodedDataLength;
      if (scripts.has(event.requestId)) scriptBytes += event.encodedDataLength;
    });
    const opened = Date.now();
    await page.goto(link, { timeout: 60_000 });
    await page.waitForSelector('#join-btn:not([disabled])', { timeout: 60_000 });
    const ms = Date.now() - opened;
    return { ms, transferred, scriptBytes, encodings: [...new Set(scripts.values())].join(',') };
  } finally {
    await context.close();
  }
}

try {
  const login = await server.auth.login('admin', 'bench-password');
  const staff = await server.auth.verifyStaff(login.token);
  const room = await server.rooms.create(staff, { title: 'weak link bench', mode: 'face_to_face' });
  const result: Record<'compressed' | 'identity', number[]> = { compressed: [], identity: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of ['identity', 'compressed'] as const) {
      // A fresh invitation each time: the page redeems it on first open.
      const invite = await server.invitations.issue(staff, { roomId: room.id, displayName: `weak ${i}`, role: 'applicant' }, { ip: '127.0.0.1' });
      const run = await loadOnce(browser, invite.url, kind === 'identity');
      result[kind].push(run.ms);
      console.log(
        `run ${i + 1} ${kind}: link→device check ready ${run.ms} ms; transferred ${(run.transferred / 1024).toFixed(1)} KiB, of which scripts ${(run.scriptBytes / 1024).toFixed(1)} KiB (${run.encodings})`,
      );
    }
  }
  console.log(`uncompressed_link_to_ready_ms=${median(result.identity)}`);
  console.log(`weak_link_to_ready_ms=${median(result.compressed)}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
