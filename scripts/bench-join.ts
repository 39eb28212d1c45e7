/**
 * Join latency benchmark: R rooms × P Chromium phones (default 2 × 2), all on
 * loopback. For each phone, the time from opening its invitation link to
 * the first decoded remote video frame. Bounded: at most 4 × 4 peers and
 * 120 s; prints p50/p95, last line `join_p95_ms=<n>`.
 * Usage: npm run bench:join -- [rooms] [peersPerRoom]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { inboundStats, launchChromium, openPhone } from '../tests/helpers/browser.ts';

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
  const latencies: number[] = [];
  for (let r = 0; r < rooms; r++) {
    const room = await server.rooms.create(staff, { title: `bench ${r}`, mode: 'face_to_face' });
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
        const started = Date.now();
        const page = await openPhone(browser, `${invite.url}&autojoin=1`);
        while (Date.now() < deadline) {
          const stats = await inboundStats(page);
          if (stats.framesDecoded > 0) return Date.now() - started;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('benchmark deadline passed before a remote frame arrived');
      }),
    );
    latencies.push(...results);
    console.log(`room ${r + 1}/${rooms}: ${results.map((ms) => `${ms} ms`).join(', ')}`);
  }
  latencies.sort((a, b) => a - b);
  console.log(`peers=${latencies.length} workers=${server.pool.size}`);
  console.log(`join_p50_ms=${percentile(latencies, 50)}`);
  console.log(`join_p95_ms=${percentile(latencies, 95)}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
