/**
 * Hostile parties and faults against the SFU, through real socket.io
 * clients and a real mediasoup worker: consume loops across a private-talk
 * switch, producer and request floods, sockets that drop mid-join, rooms
 * nobody joins, and a worker SIGKILLed mid-hearing. Every loop is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../server/signalling/protocol.ts';
import { defaultSocketRateLimits } from '../../server/signalling/rateLimit.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import {
  connect,
  fakeDtlsParameters,
  joinRoom,
  nextEvent,
  ok,
  opusRtpParameters,
  request,
  vp8RtpParameters,
  type ClientSocket,
} from '../helpers/signallingClient.ts';

const ROOM_CLOSE_DELAY_MS = 400;
const MAX_CONSUMERS = 4;

let t: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({
    roomCloseDelayMs: ROOM_CLOSE_DELAY_MS,
    peerGraceSeconds: 1,
    signalling: { maxConsumersPerPeer: MAX_CONSUMERS, rateLimits: defaultSocketRateLimits },
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

/** A socket that keeps the latest session snapshot it was sent. */
async function participant(auth: { token: string; roomId?: string }) {
  const socket = await connect(t.url, auth);
  sockets.push(socket);
  const state: { latest?: SessionSnapshot } = {};
  socket.on('session:state', (snapshot) => (state.latest = snapshot));
  return { socket, state };
}

type Participant = Awaited<ReturnType<typeof participant>>;

async function party(roomId: string, name: string, role = 'applicant') {
  return participant({ token: await t.partyToken(roomId, name, role) });
}

async function admitAll(host: Participant, names: string[]) {
  for (const name of names) {
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === name && p.presence === 'online')).toBeTruthy();
    const id = host.state.latest!.participants.find((p) => p.name === name)!.id;
    await ok(host.socket, 'session:admit', { participantId: id });
  }
}

async function transports(socket: ClientSocket) {
  const send = await ok(socket, 'transport:create', { direction: 'send' });
  await ok(socket, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtlsParameters() });
  const recv = await ok(socket, 'transport:create', { direction: 'recv' });
  await ok(socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });
  return { send: send.id, recv: recv.id };
}

async function produce(socket: ClientSocket, transportId: string, source: 'mic' | 'camera' | 'screen', ssrc: number) {
  const kind = source === 'mic' ? 'audio' : 'video';
  const rtpParameters = { ...(kind === 'audio' ? opusRtpParameters(ssrc) : vp8RtpParameters(ssrc)), mid: String(ssrc) };
  return request(socket, 'producer:create', { transportId, kind, rtpParameters, source });
}

const peerNamed = (roomId: string, name: string) => [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === name)!;

/** The consumers that exist in the worker on a peer's receive transport (not the server's bookkeeping). */
async function workerConsumers(roomId: string, name: string): Promise<{ id: string; producerId: string }[]> {
  const peer = peerNamed(roomId, name);
  const recv = peer.recvTransport();
  const dump = (await recv.dump()) as { consumerIds: string[] };
  const router = (await t.server.liveRooms.get(roomId)!.router.dump()) as { mapProducerIdConsumerIds: { key: string; values: string[] }[] };
  return dump.consumerIds.map((id) => ({ id, producerId: router.mapProducerIdConsumerIds.find((e) => e.values.includes(id))?.key ?? '?' }));
}

/** A room with an admitting host (the admin) and two admitted parties, each sending; the host sends too. */
async function backToBackRoom() {
  const room = await t.createRoom('背对背调解室', 'back_to_back');
  const host = await participant({ token: t.staffToken, roomId: room.id });
  await joinRoom(host.socket);
  const a = await party(room.id, '张三', 'applicant');
  const b = await party(room.id, '某公司', 'respondent');
  await joinRoom(a.socket);
  await joinRoom(b.socket);
  await admitAll(host, ['张三', '某公司']);
  const ht = await transports(host.socket);
  const at = await transports(a.socket);
  await transports(b.socket);
  const hostProducers = [await produce(host.socket, ht.send, 'mic', 101), await produce(host.socket, ht.send, 'camera', 102)];
  const aProducers = [await produce(a.socket, at.send, 'mic', 201), await produce(a.socket, at.send, 'camera', 202)];
  const ids = [...hostProducers, ...aProducers].map((answer) => (answer.ok ? answer.data.id : ''));
  expect(ids.every(Boolean)).toBe(true);
  return { room, host, a, b, at, producers: ids };
}

describe('consume loops across a private-talk switch', () => {
  // The attacker may hammer as fast as it likes here: rate limits (tested below) would cut it first.
  let limited: TestServer;
  beforeAll(async () => {
    limited = t;
    t = await startTestServer({ signalling: { maxConsumersPerPeer: 60, rateLimits: null } });
  });
  afterAll(async () => {
    const unlimited = t;
    t = limited;
    await unlimited.close();
  });

  it('the excluded side holds no consumer of the talk afterwards, in the server or the worker', async () => {
    const { room, host, b, producers } = await backToBackRoom();
    let looping = true;
    let attempts = 0;
    const loop = (async () => {
      // A modified client: consume (and resume) everything, again and again, whatever it is told.
      while (looping && attempts < 3000) {
        for (const producerId of producers) {
          attempts++;
          const answer = await request(b.socket, 'consumer:create', { producerId });
          if (answer.ok) void request(b.socket, 'consumer:resume', { consumerId: answer.data.id });
        }
      }
    })();

    for (let round = 0; round < 4; round++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await ok(host.socket, 'session:private', { side: 'applicant' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const inServer = [...peerNamed(room.id, '某公司').consumers.values()].filter((c) => !c.closed);
      expect(inServer.map((c) => c.producerId)).toEqual([]);
      expect(await workerConsumers(room.id, '某公司')).toEqual([]);
      await ok(host.socket, 'session:private', { side: null });
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    // In the joint session: one consumer per producer, however often it asks.
    expect(peerNamed(room.id, '某公司').consumers.size).toBeLessThanOrEqual(producers.length);
    looping = false;
    await loop;
    expect(attempts).toBeGreaterThan(20);
    // The loop stops; a last private talk leaves nothing behind either.
    await ok(host.socket, 'session:private', { side: 'applicant' });
    expect(await workerConsumers(room.id, '某公司')).toEqual([]);
    for (const producerId of producers) {
      expect(await request(b.socket, 'consumer:create', { producerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it('asking twice for one producer gives the same consumer', async () => {
    const { b, producers } = await backToBackRoom();
    const first = await ok(b.socket, 'consumer:create', { producerId: producers[0]! });
    const second = await ok(b.socket, 'consumer:create', { producerId: producers[0]! });
    expect(second.id).toBe(first.id);
  });
});

describe('producer and consumer caps', () => {
  it('a producer flood is refused after one mic, one camera and one screen; the room and its recording stay bounded', async () => {
    const { room, a, at, b, producers } = await backToBackRoom();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => produce(a.socket, at.send, (['mic', 'camera', 'screen'] as const)[i % 3]!, 1000 + i)),
    );
    const accepted = answers.filter((answer) => answer.ok);
    expect(accepted).toHaveLength(1); // the screen; mic and camera were already there
    expect(answers.filter((answer) => !answer.ok).every((answer) => !answer.ok && answer.error.code === 'LIMIT_REACHED')).toBe(true);
    const media = t.server.liveRooms.get(room.id)!;
    expect(peerNamed(room.id, '张三').producers.size).toBe(3);
    expect([...media.peers.values()].reduce((n, p) => n + p.producers.size, 0)).toBe(5);
    // One recorder part per producer, no more.
    const recordedProducers = async () => {
      const parts = await t.server.db
        .selectFrom('recording_parts')
        .innerJoin('recordings', 'recordings.id', 'recording_parts.recording_id')
        .select('recording_parts.producer_id')
        .where('recordings.room_id', '=', room.id)
        .execute();
      return new Set(parts.map((p) => p.producer_id)).size;
    };
    await expect.poll(recordedProducers, { timeout: 15_000 }).toBe(5);

    // Consumers per peer are capped too.
    const screen = accepted[0]!.ok ? accepted[0]!.data.id : '';
    const consumed = [];
    for (const producerId of [...producers, screen]) consumed.push(await request(b.socket, 'consumer:create', { producerId }));
    expect(consumed.slice(0, MAX_CONSUMERS).every((answer) => answer.ok)).toBe(true);
    expect(consumed[MAX_CONSUMERS]).toMatchObject({ ok: false, error: { code: 'LIMIT_REACHED' } });
    expect(peerNamed(room.id, '某公司').consumers.size).toBe(MAX_CONSUMERS);
  });
});

describe('sockets that drop during room:join', () => {
  it('leave no ghost peer: each room empties and closes', async () => {
    const probeRoom = await t.createRoom('探针');
    const probe = await party(probeRoom.id, '探针');
    const { routerRtpCapabilities } = await ok(probe.socket, 'room:capabilities', {});
    probe.socket.close();
    const rooms: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      // A fresh room each time, so the join has real awaits (loading the session, making the router) to drop into.
      const room = await t.createRoom(`断线${attempt}`);
      rooms.push(room.id);
      const dropping = await party(room.id, `掉线${attempt}`);
      dropping.socket.emit('room:join', { rtpCapabilities: routerRtpCapabilities as never }, () => undefined);
      // Cut before the answer comes (after a moment on odd attempts, to land in a later await).
      if (attempt % 2) await new Promise((resolve) => setTimeout(resolve, attempt));
      dropping.socket.disconnect();
    }
    for (const roomId of rooms) {
      await expect.poll(() => t.server.liveRooms.get(roomId)?.peers.size ?? 0, { timeout: 3000 }).toBe(0);
      await expect.poll(() => t.server.liveRooms.get(roomId), { timeout: ROOM_CLOSE_DELAY_MS + 3000 }).toBeUndefined();
    }
  });
});

describe('a second connection of the same person', () => {
  it('replaces the first and leaves the participant online, not reconnecting', async () => {
    const room = await t.createRoom('换机');
    const host = await participant({ token: t.staffToken, roomId: room.id });
    await joinRoom(host.socket);
    const token = await t.partyToken(room.id, '吴十');
    const first = await participant({ token });
    await joinRoom(first.socket);
    await admitAll(host, ['吴十']);
    const second = await participant({ token });
    const closed = nextEvent(first.socket, 'room:closed');
    await joinRoom(second.socket);
    expect(await closed).toEqual({ reason: 'replaced' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(host.state.latest?.participants.find((p) => p.name === '吴十')).toMatchObject({ presence: 'online', admitted: true });
  });
});

describe('request spam', () => {
  it('a spamming socket is answered RATE_LIMITED and then cut; the others in the room are unaffected', async () => {
    const { room, a, b, host } = await backToBackRoom();
    const spam = await Promise.all(Array.from({ length: 40 }, (_, i) => request(a.socket, 'chat:send', { text: `刷屏${i}` })));
    const sent = spam.filter((answer) => answer.ok).length;
    const { burst } = defaultSocketRateLimits.classes.chat;
    expect(sent).toBeGreaterThanOrEqual(burst);
    expect(sent).toBeLessThanOrEqual(burst + 2);
    expect(spam.filter((answer) => !answer.ok).every((answer) => !answer.ok && answer.error.code === 'RATE_LIMITED')).toBe(true);
    const handSpam = await Promise.all(Array.from({ length: 40 }, () => request(a.socket, 'session:hand', { raised: true })));
    expect(handSpam.some((answer) => !answer.ok && answer.error.code === 'RATE_LIMITED')).toBe(true);

    // The others are not slowed down by it.
    expect((await request(b.socket, 'chat:send', { text: '我方同意' })).ok).toBe(true);
    expect((await request(host.socket, 'chat:send', { text: '请勿刷屏' })).ok).toBe(true);

    // Flooding far beyond the limit costs the connection.
    const cut = nextEvent(a.socket, 'disconnect' as never, 10_000);
    for (let i = 0; i < 400 && a.socket.connected; i++) a.socket.emit('chat:send', { text: '刷' }, () => undefined);
    await cut;
    expect(a.socket.connected).toBe(false);
    expect((await request(b.socket, 'chat:send', { text: '还在' })).ok).toBe(true);

    const log = await t.server.db.selectFrom('chat_messages').select(['text', 'sender_name']).where('room_id', '=', room.id).execute();
    expect(log.filter((m) => m.sender_name === '张三').length).toBeLessThanOrEqual(burst + 4);
    expect(log.filter((m) => m.sender_name !== '张三').map((m) => m.text).sort()).toEqual(['我方同意', '请勿刷屏', '还在'].sort());
  });
});

describe('a mediasoup worker SIGKILLed mid-hearing', () => {
  it('the server lives, the host and the party are told, they rejoin, and phase and admissions survive', async () => {
    const room = await t.createRoom('速裁庭', 'hearing');
    const host = await participant({ token: t.staffToken, roomId: room.id });
    await joinRoom(host.socket);
    const a = await party(room.id, '王五', 'applicant');
    await joinRoom(a.socket);
    await admitAll(host, ['王五']);
    await ok(host.socket, 'session:phase', { phase: 'opening' });
    await ok(host.socket, 'session:phase', { phase: 'notice' });
    await expect.poll(() => a.state.latest?.phase).toBe('notice');
    const at = await transports(a.socket);
    expect((await produce(a.socket, at.send, 'mic', 301)).ok).toBe(true);

    const deadPid = t.server.liveRooms.get(room.id)!.slot.worker.pid;
    const hostTold = nextEvent(host.socket, 'room:rejoin', 10_000);
    const partyTold = nextEvent(a.socket, 'room:rejoin', 10_000);
    process.kill(deadPid, 'SIGKILL');
    expect(await hostTold).toEqual({ reason: 'worker-died' });
    expect(await partyTold).toEqual({ reason: 'worker-died' });
    expect((await t.api<{ status: string }>('GET', '/api/health')).status).toBe(200);
    await expect.poll(() => t.server.pool.pids().every((pid) => pid !== deadPid), { timeout: 10_000 }).toBe(true);

    await joinRoom(host.socket);
    await joinRoom(a.socket);
    await expect.poll(() => a.state.latest?.you.admitted).toBe(true);
    expect(a.state.latest!.phase).toBe('notice');
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '王五')).toMatchObject({ admitted: true, presence: 'online' });
    expect(t.server.liveRooms.get(room.id)!.slot.worker.pid).not.toBe(deadPid);
    const again = await transports(a.socket);
    expect((await produce(a.socket, again.send, 'mic', 302)).ok).toBe(true);
    await ok(host.socket, 'session:phase', { phase: 'claims_defence' });
    await expect.poll(() => a.state.latest?.phase).toBe('claims_defence');

    // Killed again, and nobody back for longer than the room is kept: the session is forgotten and rebuilt from its log.
    const secondPid = t.server.liveRooms.get(room.id)!.slot.worker.pid;
    const toldAgain = nextEvent(a.socket, 'room:rejoin', 10_000);
    process.kill(secondPid, 'SIGKILL');
    await toldAgain;
    const before = await t.server.sessions.get(room.id);
    await expect.poll(async () => (await t.server.sessions.get(room.id)) !== before, { timeout: 3 * ROOM_CLOSE_DELAY_MS + 3000 }).toBe(true);
    await expect.poll(() => t.server.pool.pids().every((pid) => pid !== secondPid), { timeout: 10_000 }).toBe(true);
    await joinRoom(host.socket);
    await joinRoom(a.socket);
    await expect.poll(() => a.state.latest?.phase).toBe('claims_defence');
    expect(a.state.latest!.you.admitted).toBe(true);
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '王五')).toMatchObject({ admitted: true, presence: 'online' });
  });
});

describe('memory follows the rooms in use', () => {
  let m: TestServer;
  beforeAll(async () => {
    m = await startTestServer({ roomCloseDelayMs: ROOM_CLOSE_DELAY_MS });
  });
  afterAll(async () => {
    await m?.close();
  });

  /** Routers that exist in the (one) worker, as the worker itself reports them. */
  const routerCount = async () => ((await m.server.pool.leastLoaded()!.worker.dump()) as { routerIds: string[] }).routerIds.length;

  it('routers made for capabilities that nobody joins are closed; sessions of closed rooms are forgotten', async () => {
    const opened: ClientSocket[] = [];
    for (let i = 0; i < 4; i++) {
      const room = await m.createRoom(`无人加入${i}`);
      const socket = await connect(m.url, { token: await m.partyToken(room.id, `访客${i}`) });
      opened.push(socket);
      await ok(socket, 'room:capabilities', {});
      expect(m.server.liveRooms.get(room.id)).toBeDefined(); // made for the answer, nobody joins
    }
    await expect.poll(routerCount, { timeout: ROOM_CLOSE_DELAY_MS + 3000 }).toBe(0);

    for (let i = 0; i < 4; i++) {
      const room = await m.createRoom(`进出${i}`);
      const socket = await connect(m.url, { token: await m.partyToken(room.id, `过客${i}`) });
      opened.push(socket);
      await joinRoom(socket);
      expect(m.server.sessions.size).toBeGreaterThan(0);
      if (i % 2) await ok(socket, 'room:leave', {});
      else socket.disconnect();
    }
    await expect.poll(() => m.server.sessions.size, { timeout: 2 * ROOM_CLOSE_DELAY_MS + 3000 }).toBe(0);
    await expect.poll(routerCount, { timeout: 3000 }).toBe(0);
    for (const socket of opened) socket.close();
  });
});
