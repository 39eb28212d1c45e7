/**
 * Join latency benchmark: R rooms × P Chromium phones (default 2 × 2), all on
 * loopback. For each phone, the time from the join tap (the page entering
 * its `joining` state, after the device check) to the first decoded remote
 * video frame, and from opening the invitation link to that frame.
 * Bounded: at most 4 × 4 peers and 120 s; last line `join_p95_ms=<n>`.
 * Usage: npm run bench:join -- [rooms] [peersPerRoom]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { inboundStats, launchChromium, phoneViewport } from '../tests/helpers/browser.ts';
import { autoAdmittingHost, type ClientSocket } from '../tests/helpers/signallingClient.ts';

const rooms = Math.min(4, Math.max(1, Number(process.argv[2] ?? 2)));
const peersPerRoom = Math.min(4, Math.max(2, Number(process.argv[3] ?? 2)));
const deadline = Date.now() + 120_000;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-bench-'));
const server = await buildServer(testConfig({ dataDir, adminPassword: 'bench-password', media: { workers: os.availableParallelism() } }));
const url = await server.listen();
const browser = await launchChromium();

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

try {
  const login = await server.auth.login('admin', 'bench-password');
  const staff = await server.auth.verifyStaff(login.token);
  const hosts: ClientSocket[] = [];
  const latencies: number[] = [];
  const openLatencies: number[] = [];
  for (let r = 0; r < rooms; r++) {
    const room = await server.rooms.create(staff, { title: `bench ${r}`, mode: 'face_to_face' });
    // The mediator admits each phone from the lobby as soon as it waits there.
    hosts.push(await autoAdmittingHost(url, login.token, room.id));
    const invites = await Promise.all(
      Array.from({ length: peersPerRoom }, (_, p) =>
        server.invitations.issue(
          staff,
          { roomId: room.id, displayName: `peer ${r}.${p}`, role: p === 0 ? 'applicant' : 'respondent' },
          { ip: '127.0.0.1' },
        ),
      ),
    );
    const results = await Promise.all(
      invites.map(async (invite) => {
        const context = await browser.newContext({ viewport: phoneViewport, isMobile: true, hasTouch: true });
        const page = await context.newPage();
        const opened = Date.now();
        await page.goto(`${invite.url}&autojoin=1`);
        await page.waitForSelector('body[data-state="joining"]', { timeout: 60_000 });
        const tapped = Date.now();
        while (Date.now() < deadline) {
          const stats = await inboundStats(page);
          if (stats.framesDecoded > 0) return { join: Date.now() - tapped, open: Date.now() - opened };
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('benchmark deadline passed before a remote frame arrived');
      }),
    );
    latencies.push(...results.map((r) => r.join));
    openLatencies.push(...results.map((r) => r.open));
    console.log(`room ${r + 1}/${rooms}: join→frame ${results.map((x) => `${x.join} ms`).join(', ')}; link→frame ${results.map((x) => `${x.open} ms`).join(', ')}`);
  }
  latencies.sort((a, b) => a - b);
  openLatencies.sort((a, b) => a - b);
  console.log(`peers=${latencies.length} workers=${server.pool.size}`);
  console.log(`link_to_frame_p50_ms=${percentile(openLatencies, 50)} link_to_frame_p95_ms=${percentile(openLatencies, 95)}`);
  console.log(`join_p50_ms=${percentile(latencies, 50)}`);
  console.log(`join_p95_ms=${percentile(latencies, 95)}`);
  for (const host of hosts) host.close();
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
