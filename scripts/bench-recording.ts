/**
 * What recording costs: the same bounded load (R rooms × P Chromium phones
 * on loopback, default 2 × 2, one measured window of 15 s) once with
 * recording off and once with it on, measuring the CPU of the server
 * process and everything it runs (mediasoup workers, ffmpeg recorders),
 * not the browsers. Last line: `recording_cpu_ratio=<x>`.
 * Usage: npm run bench:recording -- [rooms] [peersPerRoom] [seconds]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inboundStats, launchChromium, phoneViewport } from '../tests/helpers/browser.ts';
import { autoAdmittingHost, type ClientSocket } from '../tests/helpers/signallingClient.ts';
import { treeCpuSeconds } from './processTree.ts';
import { freePort } from '../tests/helpers/freePort.ts';

const rooms = Math.min(3, Math.max(1, Number(process.argv[2] ?? 2)));
const peersPerRoom = Math.min(3, Math.max(2, Number(process.argv[3] ?? 2)));
const windowSeconds = Math.min(60, Math.max(5, Number(process.argv[4] ?? 15)));

async function run(recording: boolean): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-bench-rec-'));
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      TLS: 'off',
      DATA_DIR: dataDir,
      RECORDINGS_DIR: path.join(dataDir, 'recordings'),
      RTC_PORT: '0',
      RTC_ANNOUNCED_IP: '127.0.0.1',
      ADMIN_PASSWORD: 'bench-password',
      RECORDING: recording ? 'on' : 'off',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const browser = await launchChromium();
  const hosts: ClientSocket[] = [];
  try {
    for (let i = 0; i < 150 && !(await fetch(`${url}/api/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 200));
    const call = async <T>(method: string, route: string, body?: unknown, token?: string) =>
      (await (await fetch(url + route, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined })).json()) as T;
    const { token } = await call<{ token: string }>('POST', '/api/auth/login', { username: 'admin', password: 'bench-password' });
    const pages = [];
    for (let r = 0; r < rooms; r++) {
      const room = await call<{ id: string }>('POST', '/api/rooms', { title: `bench ${r}`, mode: 'face_to_face' }, token);
      hosts.push(await autoAdmittingHost(url, token, room.id));
      for (let p = 0; p < peersPerRoom; p++) {
        const invite = await call<{ url: string }>('POST', `/api/rooms/${room.id}/invitations`, { displayName: `peer ${r}.${p}`, role: p ? 'respondent' : 'applicant' }, token);
        const context = await browser.newContext({ viewport: phoneViewport });
        const page = await context.newPage();
        await page.goto(`${invite.url}&autojoin=1`);
        pages.push(page);
      }
    }
    for (const page of pages) {
      for (let i = 0; i < 240 && (await inboundStats(page)).framesDecoded === 0; i++) await new Promise((r) => setTimeout(r, 250));
    }
    const before = treeCpuSeconds(server.pid!);
    await new Promise((r) => setTimeout(r, windowSeconds * 1000));
    const used = treeCpuSeconds(server.pid!) - before;
    console.log(`recording=${recording ? 'on' : 'off'} server_cpu_seconds=${used.toFixed(2)} over ${windowSeconds} s (${((used / windowSeconds) * 100).toFixed(1)} % of one core)`);
    return used;
  } finally {
    for (const host of hosts) host.close();
    await browser.close();
    server.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const off = await run(false);
const on = await run(true);
console.log(`rooms=${rooms} peers_per_room=${peersPerRoom} window_s=${windowSeconds}`);
console.log(`recording_cpu_ratio=${(on / off).toFixed(2)}`);
