/**
 * Recorder faults with real mediasoup, real ffmpeg and synthetic RTP (no
 * browser): a recorder SIGKILLed mid-session, a producer that sends nothing,
 * and a hostile client's codec parameters. The host is told the truth
 * (录像中 / 录像中断) as it happens; what was registered stays registered.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingState } from '../../server/signalling/protocol.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { connect, joinRoom, ok, opusRtpParameters, request, type ClientSocket } from '../helpers/signallingClient.ts';
import { addToRoom, silentProducer, startRtpSource, type RtpSource } from '../helpers/rtpSource.ts';
import { partsOf, pidsMentioning, segmentsOf, sha256Of, udpBindings } from '../helpers/recordingProbe.ts';
import { decodes } from '../helpers/ffprobe.ts';
import { parseSegmentList } from '../../server/recording/trackRecorder.ts';

let t: TestServer;
let recordingsDir: string;
const sockets: ClientSocket[] = [];
const sources: RtpSource[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-recfaults-'));
  recordingsDir = path.join(dataDir, 'recordings');
  t = await startTestServer({ dataDir, roomCloseDelayMs: 200, recording: { enabled: true, dir: recordingsDir, segmentSeconds: 2, retentionDays: 0 } });
});
afterAll(async () => {
  for (const source of sources) source.stop();
  for (const socket of sockets) socket.close();
  await t?.close();
});

/** A room whose host (a node client) has opened the session, so it is recorded; every recording state the host is told, with its time. */
async function hostedRoom(title: string) {
  const room = await t.createRoom(title);
  const host = await connect(t.url, { token: t.staffToken, roomId: room.id });
  sockets.push(host);
  const states: { at: number; state: RecordingState }[] = [];
  host.on('session:recording', (state) => states.push({ at: Date.now(), state }));
  const joined = await joinRoom(host);
  await expect.poll(() => states.at(-1)?.state.status, { timeout: 10_000 }).toBe('recording');
  const media = t.server.liveRooms.get(room.id)!;
  const peer = media.peers.get(joined.peerId)!;
  return { room, host, states, media, peer, latest: () => states.at(-1)?.state };
}

const recording: RecordingState = { status: 'recording', failing: [] };

describe('recorder faults', () => {
  it('a recorder ffmpeg SIGKILLed: the host sees 录像中断 within 5 s, a new part follows, finished segments stay registered and the cut-off one is recovered', async () => {
    const s = await hostedRoom('录像进程被杀');
    const source = await startRtpSource(s.media.router, s.peer.id);
    sources.push(source);
    addToRoom(s.media, s.peer, source.producers);
    const camera = source.producers.find((p) => p.kind === 'video')!;
    // Both tracks record: a finished, registered segment each.
    // (A first part may have given up before the synthetic sender got going: the open part counts.)
    const openPart = async (producerId: string) => (await partsOf(t.server.db, producerId)).find((p) => p.ended_at === null);
    await expect
      .poll(async () => {
        for (const producer of source.producers) {
          const part = await openPart(producer.id);
          if (!part || (await segmentsOf(t.server.db, part.id)).length < 1) return false;
        }
        return true;
      }, { timeout: 45_000, interval: 250 })
      .toBe(true);
    await expect.poll(() => s.latest(), { timeout: 10_000 }).toEqual(recording);

    const part = await openPart(camera.id);
    const partsBefore = (await partsOf(t.server.db, camera.id)).length;
    // Kill it mid-segment: the segment being written already holds flushed media.
    const partDir = path.join(recordingsDir, s.room.id, part!.recording_id, part!.id);
    const openSegmentBytes = () => {
      const listed = new Set(parseSegmentList(existsSync(path.join(partDir, 'segments.csv')) ? readFileSync(path.join(partDir, 'segments.csv'), 'utf8') : '').map((e) => e.file));
      return readdirSync(partDir).filter((f) => /^seg-\d+\.mkv$/.test(f) && !listed.has(f)).reduce((sum, f) => sum + statSync(path.join(partDir, f)).size, 0);
    };
    await expect.poll(openSegmentBytes, { timeout: 10_000, interval: 50 }).toBeGreaterThan(8000);
    const pids = pidsMentioning(part!.id);
    expect(pids).toHaveLength(1);
    const killedAt = Date.now();
    process.kill(pids[0]!, 'SIGKILL');
    await expect
      .poll(() => s.states.find((e) => e.at >= killedAt && e.state.status === 'interrupted')?.state, { timeout: 5_000, interval: 50 })
      .toMatchObject({ status: 'interrupted', failing: [{ source: 'camera', reason: 'recorder_exited' }] });

    // The track starts again as a new part, and the host is told it records again.
    await expect.poll(async () => (await partsOf(t.server.db, camera.id)).length, { timeout: 20_000, interval: 250 }).toBe(partsBefore + 1);
    await expect.poll(() => s.latest(), { timeout: 20_000, interval: 250 }).toEqual(recording);
    const health = await fetch(`${t.url}/api/health`);
    expect(health.ok).toBe(true);

    // The killed part ended as interrupted; every segment it finished is registered, on disk, with its hash.
    const all = await partsOf(t.server.db, camera.id);
    const killed = all.find((p) => p.id === part!.id);
    const next = all.at(-1);
    expect(killed).toMatchObject({ interrupted: 1 });
    expect(killed!.ended_at).not.toBeNull();
    const kept = await segmentsOf(t.server.db, killed!.id);
    expect(kept.filter((segment) => segment.recovered === 0).length).toBeGreaterThanOrEqual(1);
    // ... and the one it was writing when killed is recovered (remuxed, registered), not lost.
    expect(kept.filter((segment) => segment.recovered === 1)).toHaveLength(1);
    for (const segment of kept) {
      expect(sha256Of(path.join(recordingsDir, segment.file))).toBe(segment.sha256);
      decodes(path.join(recordingsDir, segment.file));
    }
    await expect.poll(async () => (await segmentsOf(t.server.db, next!.id)).length, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
  }, 120_000);

  it('a producer that sends nothing: shown as not recorded, its recorder started a bounded number of times, none while paused', async () => {
    const s = await hostedRoom('静默的摄像头');
    const silent = await silentProducer(s.media.router, s.peer.id, { source: 'camera' });
    const addedAt = Date.now();
    addToRoom(s.media, s.peer, [silent]);
    await expect
      .poll(() => s.latest(), { timeout: 15_000, interval: 100 })
      .toMatchObject({ status: 'interrupted', failing: [{ source: 'camera', reason: 'no_media' }] });
    // Without a back-off, ffmpeg was started again each time it gave up (about every 4 s): 5 or more in 20 s.
    await sleep(addedAt + 20_000 - Date.now());
    const spawned = (await partsOf(t.server.db, silent.id)).length;
    expect(spawned).toBeGreaterThanOrEqual(1);
    expect(spawned).toBeLessThanOrEqual(2);
    expect(await t.server.db.selectFrom('recording_parts').select('id').where('producer_id', '=', silent.id).where('ended_at', 'is', null).execute()).toEqual([]);

    // Paused (camera switched off) is not a failure, and nothing is started for it.
    await silent.pause();
    await expect.poll(() => s.latest(), { timeout: 5_000, interval: 100 }).toEqual(recording);
    const whilePaused = (await partsOf(t.server.db, silent.id)).length;
    await sleep(3_000);
    expect((await partsOf(t.server.db, silent.id)).length).toBe(whilePaused);
    silent.close();
    await sleep(1_500);
    expect(s.latest()).toEqual(recording);
  }, 60_000);

  it('a hostile produce cannot put a line into a recorder SDP, and recorders listen on loopback only', async () => {
    const s = await hostedRoom('SDP 注入');
    const transport = await ok(s.host, 'transport:create', { direction: 'send' });
    const base = opusRtpParameters();
    const injected = { ...base, codecs: [{ ...base.codecs[0]!, parameters: { useinbandfec: '1\r\na=rtpmap:111 L16/8000' } }] };
    const answer = await request(s.host, 'producer:create', { transportId: transport.id, kind: 'audio', rtpParameters: injected, source: 'mic' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(s.peer.producers.size).toBe(0);

    // Should such parameters reach the SFU some other way, the recorder's SDP still leaves them out.
    const hostile = await silentProducer(s.media.router, s.peer.id, {
      source: 'mic',
      parameters: { useinbandfec: 1, minptime: '10\r\na=rtpmap:111 L16/8000', 'x\nc=IN IP4 192.0.2.1': 1 },
    });
    addToRoom(s.media, s.peer, [hostile]);
    await expect.poll(async () => (await partsOf(t.server.db, hostile.id)).length, { timeout: 10_000 }).toBe(1);
    const [part] = await partsOf(t.server.db, hostile.id);
    const sdpFile = path.join(recordingsDir, s.room.id, part!.recording_id, part!.id, 'part.sdp');
    await expect.poll(() => existsSync(sdpFile), { timeout: 10_000 }).toBe(true);
    const sdp = readFileSync(sdpFile, 'utf8');
    expect(sdp).not.toMatch(/L16|192\.0\.2\.1|\r/);
    expect(sdp).toMatch(/^a=fmtp:\d+ useinbandfec=1$/m);
    expect(sdp.trimEnd().split('\n').map((line) => line.slice(0, 2))).toEqual(['v=', 'o=', 's=', 'c=', 't=', 'm=', 'a=', 'a=', 'a=', 'a=']);

    // ffmpeg's RTP and RTCP sockets are bound to 127.0.0.1, not to every interface.
    const port = Number(/^m=audio (\d+) /m.exec(sdp)![1]);
    await expect.poll(() => [...udpBindings(port), ...udpBindings(port + 1)], { timeout: 5_000, interval: 50 }).toEqual(['127.0.0.1', '127.0.0.1']);
    hostile.close();
  });
});
