/**
 * The recordings disk fills up mid-session (a 2 MB tmpfs that exists only in
 * a private mount namespace, so nothing is left mounted however the test
 * ends): the server lives, the host is told 录像中断 (storage full), nothing
 * already registered is lost, and recording resumes once there is room again.
 * Needs root (mount namespaces); skipped with a message otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingState } from '../../server/signalling/protocol.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { connect, joinRoom, ok, type ClientSocket } from '../helpers/signallingClient.ts';
import { addToRoom, startRtpSource, type RtpSource } from '../helpers/rtpSource.ts';
import { partsOf, segmentsOf, sha256Of } from '../helpers/recordingProbe.ts';

const isRoot = process.getuid?.() === 0;
// Root, and allowed to make a mount namespace (a container may forbid it).
const canMount = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;
if (!canMount) console.warn('recording-disk-full: skipped, needs root allowed to mount a tmpfs in a private mount namespace (unshare -m)');

/**
 * Holds a private mount namespace with a small tmpfs on `dir`. Its files are
 * reached through /proc/<pid>/root from outside; the mount goes away with the process.
 */
async function privateTmpfs(dir: string, size: string): Promise<{ path: string; close(): void }> {
  const holder: ChildProcess = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=${size} tmpfs "$0" && echo ready && exec sleep 600`, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`could not mount a tmpfs in a private namespace (exit ${code})`)));
  });
  return { path: `/proc/${holder.pid}/root${dir}`, close: () => holder.kill('SIGKILL') };
}

let t: TestServer;
let tmpfs: { path: string; close(): void };
let base: string;
const sockets: ClientSocket[] = [];
const sources: RtpSource[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => unhandled.push(error);

describe.skipIf(!canMount)('the recordings disk fills up', () => {
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    base = mkdtempSync(path.join(os.tmpdir(), 'yunting-diskfull-'));
    const mountPoint = path.join(base, 'recordings');
    rmSync(mountPoint, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(mountPoint));
    tmpfs = await privateTmpfs(mountPoint, '2m');
    // The outside view of the directory is not the tmpfs: the test's own namespace is untouched.
    expect(statfsSync(mountPoint).blocks).not.toBe(statfsSync(tmpfs.path).blocks);
    t = await startTestServer({ dataDir: path.join(base, 'data'), roomCloseDelayMs: 200, recording: { enabled: true, dir: tmpfs.path, segmentSeconds: 2, retentionDays: 0 } });
  });
  afterAll(async () => {
    for (const source of sources) source.stop();
    for (const socket of sockets) socket.close();
    await t?.close();
    tmpfs?.close();
    if (base) rmSync(base, { recursive: true, force: true });
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });

  it('keeps the server alive and what was registered, tells the host, and records again when there is room', async () => {
    const room = await t.createRoom('磁盘已满');
    const host = await connect(t.url, { token: t.staffToken, roomId: room.id });
    sockets.push(host);
    const states: RecordingState[] = [];
    host.on('session:recording', (state) => states.push(state));
    const joined = await joinRoom(host);
    await expect.poll(() => states.at(-1)?.status, { timeout: 10_000 }).toBe('recording');
    const media = t.server.liveRooms.get(room.id)!;
    const source = await startRtpSource(media.router, joined.peerId);
    sources.push(source);
    addToRoom(media, media.peers.get(joined.peerId)!, source.producers);

    const registered = async () => {
      const all = [];
      for (const producer of source.producers) for (const part of await partsOf(t.server.db, producer.id)) all.push(...(await segmentsOf(t.server.db, part.id)));
      return all;
    };
    await expect.poll(async () => (await registered()).length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    // Leave a few hundred kilobytes: the segments fill the rest within seconds.
    const fs = statfsSync(tmpfs.path);
    const filler = path.join(tmpfs.path, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - 600 * 1024)));

    await expect.poll(() => states.at(-1), { timeout: 30_000, interval: 200 }).toMatchObject({ status: 'interrupted', failing: expect.arrayContaining([expect.objectContaining({ reason: 'disk_full' })]) });
    const before = await registered();
    // Until the disk is really full (writes fail), and a while after.
    await expect.poll(() => statfsSync(tmpfs.path).bavail * statfsSync(tmpfs.path).bsize, { timeout: 30_000, interval: 250 }).toBeLessThan(64 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    // The server answers, the host's connection and session still work.
    expect((await fetch(`${t.url}/api/health`)).ok).toBe(true);
    expect(host.connected).toBe(true);
    await ok(host, 'session:history', {});
    expect(states.at(-1)?.status).toBe('interrupted');
    // Nothing registered is lost: every segment registered before is still there, file and hash.
    const after = await registered();
    expect(after.map((s) => s.id)).toEqual(expect.arrayContaining(before.map((s) => s.id)));
    for (const segment of after) {
      const file = path.join(tmpfs.path, segment.file);
      expect(existsSync(file), segment.file).toBe(true);
      expect(sha256Of(file)).toBe(segment.sha256);
    }
    expect(unhandled).toEqual([]);

    // Room again: the tracks record again and the host is told so.
    rmSync(filler);
    await expect.poll(() => states.at(-1), { timeout: 30_000, interval: 250 }).toEqual({ status: 'recording', failing: [] });
    expect(unhandled).toEqual([]);
  }, 150_000);
});
