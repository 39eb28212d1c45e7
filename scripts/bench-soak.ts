/**
 * Soak: R back-to-back rooms (default 2, at most 6) for M minutes (default
 * 1, at most 10), recording on, no browsers. In each room, in a loop: the
 * mediator and both parties join (synthetic Opus and VP8 from ffmpeg, as
 * the recording tests send, into producers of each party's peer), each
 * party consumes the other, the mediator talks privately with one side and
 * then the other and returns, a party drops and reconnects, then everyone
 * leaves and the room closes; and a phone that opened another room's link
 * only far enough to ask for its capabilities goes away. Afterwards, with every room closed and the
 * recordings composed, it reports RSS growth of the server and its
 * mediasoup workers, mediasoup objects still open, routers the workers still
 * hold, live rooms and ffmpeg processes left.
 * Last line: `soak_rss_growth_mb=<n> leaked=<n>`.
 * Usage: npm run bench:soak -- [rooms] [minutes]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { resolveFfmpeg } from '../server/recording/ffmpegBinary.ts';
import type { MediaRoom } from '../server/media/mediaRoom.ts';
import { startRtpSource, type RtpSource } from '../tests/helpers/rtpSource.ts';
import { autoAdmittingHost, connect, fakeDtlsParameters, joinAdmitted, ok, request, type ClientSocket } from '../tests/helpers/signallingClient.ts';
import { MediaProbe, ownRssMb, serverFfmpeg } from './soakProbe.ts';

const rooms = Math.min(6, Math.max(1, Math.floor(Number(process.argv[2] ?? 2)) || 2));
const minutes = Math.min(10, Math.max(0.25, Number(process.argv[3] ?? 1) || 1));
const ROOM_CLOSE_DELAY_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits for a condition, at most `ms`. */
async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await condition()) return true;
    await sleep(200);
  }
  return condition();
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-soak-'));
const config = testConfig({ dataDir, adminPassword: 'bench-password', logLevel: 'error', roomCloseDelayMs: ROOM_CLOSE_DELAY_MS, peerGraceSeconds: 2, media: { workers: 2 } });
const probe = await MediaProbe.create(config.media);
const server = await buildServer(config);
const url = await server.listen();
const ffmpegPath = resolveFfmpeg(undefined).path;
const login = (await (await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password' }) })).json()) as { token: string };
const staffToken = login.token;
const api = async <T>(method: string, route: string, body?: unknown) =>
  (await (await fetch(url + route, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` }, body: body ? JSON.stringify(body) : undefined })).json()) as T;

/** A party's synthetic camera and microphone, as producers of its own peer (what `producer:create` makes, fed by RTP instead of WebRTC). */
async function sendMedia(media: MediaRoom, peerId: string): Promise<RtpSource> {
  const peer = media.peers.get(peerId)!;
  const source = await startRtpSource(media.router, peerId, ffmpegPath);
  for (const producer of source.producers) {
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => peer.producers.delete(producer.id));
    peer.once('closed', () => producer.close());
    media.emit('producerCreated', producer);
  }
  return source;
}

interface Party {
  token: string;
  socket?: ClientSocket;
  source?: RtpSource;
}

async function enter(roomId: string, party: Party) {
  party.socket = await connect(url, { token: party.token });
  const joined = await joinAdmitted(party.socket);
  const recv = await ok(party.socket, 'transport:create', { direction: 'recv' });
  await ok(party.socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });
  party.source = await sendMedia(server.liveRooms.get(roomId)!, joined.peerId);
}

async function consumeEverything(roomId: string, party: Party) {
  const media = server.liveRooms.get(roomId);
  for (const peer of media?.peers.values() ?? []) {
    for (const producerId of peer.producers.keys()) {
      const answer = await request(party.socket!, 'consumer:create', { producerId });
      if (answer.ok) await request(party.socket!, 'consumer:resume', { consumerId: answer.data.id });
    }
  }
}

function leave(party: Party) {
  party.source?.stop();
  party.socket?.close();
  party.source = undefined;
  party.socket = undefined;
}

const roomIds: string[] = [];
let cycles = 0;
let failures = 0;
const deadline = Date.now() + minutes * 60_000;
const samples: string[] = [];
let baseline: { server: number; workers: number } | undefined;

async function roomLoop(index: number) {
  const room = await api<{ id: string }>('POST', '/api/rooms', { title: `soak ${index}`, mode: 'back_to_back' });
  roomIds.push(room.id);
  const tokenFor = async (displayName: string, role: string) => {
    const invite = await api<{ token: string }>('POST', `/api/rooms/${room.id}/invitations`, { displayName, role });
    return (await server.invitations.redeem({ token: invite.token }, { ip: '127.0.0.1', userAgent: 'soak' })).partyToken;
  };
  const applicant: Party = { token: await tokenFor(`申请人${index}`, 'applicant') };
  const respondent: Party = { token: await tokenFor(`被申请人${index}`, 'respondent') };
  while (Date.now() < deadline) {
    let host: ClientSocket | undefined;
    try {
      host = await autoAdmittingHost(url, staffToken, room.id);
      for (const party of [applicant, respondent]) await enter(room.id, party);
      for (const party of [applicant, respondent]) await consumeEverything(room.id, party);
      await sleep(2_000);
      for (const side of ['applicant', 'respondent', null] as const) {
        await ok(host, 'session:private', { side });
        await sleep(1_000);
      }
      // A phone drops and comes back: a new socket with the same token.
      leave(applicant);
      await sleep(300);
      await enter(room.id, applicant);
      await consumeEverything(room.id, applicant);
      await consumeEverything(room.id, respondent);
      await sleep(1_000);
    } catch (error) {
      failures++;
      console.error(`room ${index}: ${(error as Error).message}`);
    } finally {
      leave(applicant);
      leave(respondent);
      host?.close();
    }
    await until(() => !server.liveRooms.get(room.id), ROOM_CLOSE_DELAY_MS + 10_000);
    await visitOnly(index);
    cycles++;
  }
}

/** A phone opens a link, loads the room's capabilities, and is gone before joining. */
async function visitOnly(index: number) {
  const room = await api<{ id: string }>('POST', '/api/rooms', { title: `soak visit ${index}.${cycles}`, mode: 'face_to_face' });
  roomIds.push(room.id);
  const invite = await api<{ token: string }>('POST', `/api/rooms/${room.id}/invitations`, { displayName: '访客', role: 'witness' });
  const { partyToken } = await server.invitations.redeem({ token: invite.token }, { ip: '127.0.0.1', userAgent: 'soak' });
  const socket = await connect(url, { token: partyToken });
  await request(socket, 'room:capabilities', {});
  socket.close();
}

async function sample(label: string) {
  const counts = probe.counts();
  const line = `${label} server_rss_mb=${ownRssMb().toFixed(1)} workers_rss_mb=${probe.workerRssMb().toFixed(1)} ffmpeg=${serverFfmpeg()} routers=${counts.routers} transports=${counts.transports} producers=${counts.producers} consumers=${counts.consumers} cycles=${cycles}`;
  samples.push(line);
  console.log(line);
}

console.log(`soak: ${rooms} room(s) × ${minutes} min, recording on, server ${url}`);
const sampler = setInterval(() => void sample(`t=${Math.round((minutes * 60_000 - (deadline - Date.now())) / 1000)}s`), 15_000);
// The baseline is taken once every room has run one full cycle (allocators warm, font and codecs loaded).
const warm = until(() => cycles >= rooms, 120_000).then(() => {
  baseline = { server: ownRssMb(), workers: probe.workerRssMb() };
  console.log(`baseline server_rss_mb=${baseline.server.toFixed(1)} workers_rss_mb=${baseline.workers.toFixed(1)}`);
});
await Promise.all(Array.from({ length: rooms }, (_, i) => roomLoop(i)));
await warm;
clearInterval(sampler);

// Every room closed: recorders stop, recordings end and compose (one job at a time); give them a bounded while.
await sleep(ROOM_CLOSE_DELAY_MS + 1_000);
const composed = await Promise.race([server.recordings.composer.idle().then(() => true), sleep(150_000).then(() => false)]);
const settled = composed && (await until(() => serverFfmpeg() === 0, 30_000));
await sample('end');

const counts = probe.counts();
const workerRouters = await probe.workerRouters();
const liveRooms = roomIds.filter((id) => server.liveRooms.get(id)).length;
const sessionsKept = (server.sessions as unknown as { sessions?: Map<string, unknown> }).sessions?.size;
const ffmpegLeft = serverFfmpeg();
const growth = baseline ? ownRssMb() - baseline.server + (probe.workerRssMb() - baseline.workers) : Number.NaN;
// A router open in node and in its worker is one leak, not two; a live room is its router.
const leaked = Math.max(counts.routers, workerRouters) + counts.transports + counts.producers + counts.consumers + ffmpegLeft;
console.log(`rooms=${rooms} minutes=${minutes} cycles=${cycles} failed_cycles=${failures} settled=${settled}`);
console.log(
  `left after all rooms closed: routers=${counts.routers} transports=${counts.transports} producers=${counts.producers} consumers=${counts.consumers} worker_routers=${workerRouters} ffmpeg=${ffmpegLeft} live_rooms=${liveRooms} (sessions kept in memory: ${sessionsKept ?? '?'})`,
);
if (baseline) console.log(`rss growth: server ${(ownRssMb() - baseline.server).toFixed(1)} MB, workers ${(probe.workerRssMb() - baseline.workers).toFixed(1)} MB`);

await server.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(`soak_rss_growth_mb=${growth.toFixed(1)} leaked=${leaked}`);
process.exit(0);
