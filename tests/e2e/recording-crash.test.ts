/**
 * kill -9 of the server in the middle of a recorded session: every finished
 * segment still plays, the cut-off one is recovered, and the restarted
 * server reconciles the disk with what it knew and composes the recording.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openPhone, inboundStats } from '../helpers/browser.ts';
import { autoAdmittingHost } from '../helpers/signallingClient.ts';
import { decodes } from '../helpers/ffprobe.ts';
import { parseSegmentList } from '../../server/recording/trackRecorder.ts';
import { freePort } from '../helpers/freePort.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-crash-'));
const recordingsDir = path.join(dataDir, 'recordings');
let server: ChildProcess | undefined;
let browser: Browser | undefined;

async function startServer(port: number): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      TLS: 'off',
      DATA_DIR: dataDir,
      RECORDINGS_DIR: recordingsDir,
      RTC_PORT: '0',
      RTC_ANNOUNCED_IP: '127.0.0.1',
      MEDIASOUP_WORKERS: '1',
      ADMIN_PASSWORD: 'crash-test-password',
      RECORDING_SEGMENT_SECONDS: '2',
      ROOM_CLOSE_DELAY_MS: '200',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return url;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not start');
}

async function api<T>(url: string, method: string, route: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(url + route, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await response.json()) as T;
}

afterAll(async () => {
  server?.kill('SIGKILL');
  await browser?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a crash in the middle of a recorded session', () => {
  it('keeps every finished segment playable and recovers the rest on restart', async () => {
    const port = await freePort();
    let url = await startServer(port);
    const { token } = await api<{ token: string }>(url, 'POST', '/api/auth/login', { username: 'admin', password: 'crash-test-password' });
    const room = await api<{ id: string }>(url, 'POST', '/api/rooms', { title: '断电测试', mode: 'face_to_face' }, token);
    const invite = await api<{ url: string }>(url, 'POST', `/api/rooms/${room.id}/invitations`, { displayName: '张三', role: 'applicant' }, token);
    const host = await autoAdmittingHost(url, token, room.id);
    browser = await launchChromium();
    const phone = await openPhone(browser, `${invite.url}&autojoin=1`);
    const hostMedia = await inboundStats(phone); // the host sends nothing; the phone sends
    expect(hostMedia.framesDecoded).toBe(0);

    // Wait until at least two segments of each track have finished.
    const partDirs = () =>
      existsSync(recordingsDir)
        ? readdirSync(path.join(recordingsDir, room.id)).flatMap((rec) =>
            readdirSync(path.join(recordingsDir, room.id, rec)).map((part) => path.join(recordingsDir, room.id, rec, part)),
          )
        : [];
    const finished = (dir: string) => parseSegmentList(existsSync(path.join(dir, 'segments.csv')) ? readFileSync(path.join(dir, 'segments.csv'), 'utf8') : '');
    // ... and the audio segment being written holds some flushed media: the crash lands mid-segment.
    const openSegmentBytes = (dir: string) => {
      const listed = new Set(finished(dir).map((entry) => entry.file));
      const open = readdirSync(dir).filter((f) => /^seg-\d+\.mkv$/.test(f) && !listed.has(f));
      return open.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    };
    await expect
      .poll(
        () =>
          partDirs().length >= 2 &&
          partDirs().every((dir) => finished(dir).length >= 2) &&
          partDirs().some((dir) => openSegmentBytes(dir) > 4000),
        { timeout: 60_000, interval: 100 },
      )
      .toBe(true);

    // Like a power cut: the server and its recorders die at the same instant, mid-segment.
    const recorders = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(recordingsDir);
        } catch {
          return false;
        }
      });
    expect(recorders.length).toBeGreaterThanOrEqual(2);
    server!.kill('SIGKILL');
    for (const pid of recorders) process.kill(Number(pid), 'SIGKILL');
    await new Promise((resolve) => server!.once('exit', resolve));
    host.close();
    await browser.close();
    browser = undefined;

    // Every segment ffmpeg had finished plays.
    for (const dir of partDirs()) {
      for (const entry of finished(dir)) decodes(path.join(dir, entry.file));
    }

    url = await startServer(port);
    const login = await api<{ token: string }>(url, 'POST', '/api/auth/login', { username: 'admin', password: 'crash-test-password' });
    const db = path.join(dataDir, 'yunting.sqlite3');
    expect(existsSync(db)).toBe(true);
    // The restarted server closes the interrupted recording and composes it.
    const { default: Database } = await import('better-sqlite3');
    const read = () => new Database(db, { readonly: true });
    await expect
      .poll(() => {
        const conn = read();
        try {
          return (conn.prepare('select status from recordings where room_id = ?').get(room.id) as { status: string }).status;
        } finally {
          conn.close();
        }
      }, { timeout: 60_000, interval: 500 })
      .toBe('composed');
    const conn = read();
    const recording = conn.prepare('select * from recordings where room_id = ?').get(room.id) as { id: string; interrupted: number; manifest_sha256: string };
    const segments = conn.prepare('select s.file, s.sha256, s.recovered from recording_segments s join recording_parts p on p.id = s.part_id where p.recording_id = ?').all(recording.id) as { file: string; sha256: string; recovered: number }[];
    conn.close();
    expect(recording.interrupted).toBe(1);
    // The segments being written at the moment of the crash were recovered, not lost.
    expect(segments.filter((s) => s.recovered === 1).length).toBeGreaterThanOrEqual(1);
    for (const segment of segments) {
      const file = path.join(recordingsDir, segment.file);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(segment.sha256);
      decodes(file);
    }
    const manifest = await fetch(`${url}/api/recordings/${recording.id}/manifest.json`, { headers: { authorization: `Bearer ${login.token}` } });
    const text = await manifest.text();
    expect(createHash('sha256').update(text).digest('hex')).toBe(recording.manifest_sha256);
    expect(JSON.parse(text)).toMatchObject({ interrupted: true });
  });
});
