/**
 * The whole signalling protocol against a real mediasoup worker, with
 * node-side clients: happy path, schema-invalid, out-of-order and
 * foreign-room messages, handshake checks and worker death.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestSchemas, type RequestName } from '../../server/signalling/protocol.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import {
  autoAdmittingHost,
  connect,
  connectRefused,
  fakeDtlsParameters,
  joinAdmitted,
  joinRoom,
  nextEvent,
  ok,
  opusRtpParameters,
  request,
  vp8RtpParameters,
  type ClientSocket,
} from '../helpers/signallingClient.ts';

let t: TestServer;
const sockets: ClientSocket[] = [];

/** A room with a host who admits everyone, so these tests are about media, not the lobby. */
async function hostedRoom(title?: string) {
  const room = await t.createRoom(title);
  sockets.push(await autoAdmittingHost(t.url, t.staffToken, room.id));
  return room;
}

async function partyInRoom(roomId: string, name: string, role = 'applicant') {
  const token = await t.partyToken(roomId, name, role);
  const socket = await connect(t.url, { token });
  sockets.push(socket);
  return socket;
}

async function sendingPeer(socket: ClientSocket) {
  const joined = await joinAdmitted(socket);
  const transport = await ok(socket, 'transport:create', { direction: 'send' });
  await ok(socket, 'transport:connect', { transportId: transport.id, dtlsParameters: fakeDtlsParameters() });
  const audio = await ok(socket, 'producer:create', {
    transportId: transport.id,
    kind: 'audio',
    rtpParameters: opusRtpParameters(),
    source: 'mic',
  });
  const video = await ok(socket, 'producer:create', {
    transportId: transport.id,
    kind: 'video',
    rtpParameters: vp8RtpParameters(),
    source: 'camera',
  });
  return { joined, transport, audio, video };
}

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

describe('signalling happy path', () => {
  it('two peers join, produce, consume, pause, close and leave', async () => {
    const room = await hostedRoom();
    const alice = await partyInRoom(room.id, '张三', 'applicant');
    const bob = await partyInRoom(room.id, '某公司', 'respondent');

    const bobSees: string[] = [];
    bob.on('peer:joined', (p) => bobSees.push(p.displayName));
    const bobJoined = await joinAdmitted(bob);
    expect(bobJoined.peers).toEqual([]); // in the lobby nobody is visible
    expect(bobJoined.role).toBe('respondent');
    await expect.poll(() => bobSees).toEqual(['系统管理员']); // once admitted: the host

    const newProducers: string[] = [];
    bob.on('producer:new', (p) => newProducers.push(p.id));
    const a = await sendingPeer(alice);
    await expect.poll(() => bobSees).toEqual(['系统管理员', '张三']);
    await expect.poll(() => newProducers.length).toBe(2);

    const recv = await ok(bob, 'transport:create', { direction: 'recv' });
    expect(recv.iceCandidates.length).toBeGreaterThan(0);
    for (const candidate of recv.iceCandidates as { ip: string }[]) expect(candidate.ip).toBe('127.0.0.1');
    await ok(bob, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });

    const consumer = await ok(bob, 'consumer:create', { producerId: a.video.id });
    expect(consumer).toMatchObject({ producerId: a.video.id, kind: 'video', source: 'camera', peerId: a.joined.peerId });
    const liveRoom = t.server.liveRooms.get(room.id)!;
    const bobPeer = liveRoom.peers.get(bobJoined.peerId)!;
    expect(bobPeer.consumers.get(consumer.id)!.paused).toBe(true); // created paused
    await ok(bob, 'consumer:resume', { consumerId: consumer.id });
    expect(bobPeer.consumers.get(consumer.id)!.paused).toBe(false);

    const paused = nextEvent(bob, 'producer:paused');
    await ok(alice, 'producer:pause', { producerId: a.audio.id });
    expect(await paused).toEqual({ producerId: a.audio.id, peerId: a.joined.peerId });
    const resumed = nextEvent(bob, 'producer:resumed');
    await ok(alice, 'producer:resume', { producerId: a.audio.id });
    expect((await resumed).producerId).toBe(a.audio.id);

    const ice = await ok(bob, 'transport:restartIce', { transportId: recv.id });
    expect(ice.iceParameters).toHaveProperty('usernameFragment');

    const consumerClosed = nextEvent(bob, 'consumer:closed');
    const producerClosed = nextEvent(bob, 'producer:closed');
    await ok(alice, 'producer:close', { producerId: a.video.id });
    expect(await consumerClosed).toEqual({ consumerId: consumer.id, producerId: a.video.id });
    expect((await producerClosed).producerId).toBe(a.video.id);

    const left = nextEvent(bob, 'peer:left');
    await ok(alice, 'room:leave', {});
    expect((await left).peerId).toBe(a.joined.peerId);
    expect(liveRoom.peers.size).toBe(2); // bob and the host
  });

  it('a late joiner sees existing peers and their producers', async () => {
    const room = await hostedRoom();
    const early = await partyInRoom(room.id, '李四');
    const a = await sendingPeer(early);
    const late = await partyInRoom(room.id, '王五', 'respondent');
    const announced: string[] = [];
    late.on('producer:new', (p) => announced.push(p.id));
    await joinAdmitted(late);
    await expect.poll(() => announced.sort()).toEqual([a.audio.id, a.video.id].sort());
  });

  it('staff enter with their login and the room id', async () => {
    const room = await hostedRoom();
    const socket = await connect(t.url, { token: t.staffToken, roomId: room.id });
    sockets.push(socket);
    const joined = await joinRoom(socket);
    expect(joined.role).toBe('admin');
  });
});

describe('bad input changes nothing', () => {
  it('answers schema-invalid payloads with INVALID_PAYLOAD', async () => {
    const room = await hostedRoom();
    const socket = await partyInRoom(room.id, '赵六');
    await joinRoom(socket);
    const cases: [RequestName, unknown][] = [
      ['transport:create', {}],
      ['transport:create', { direction: 'sideways' }],
      ['transport:create', { direction: 'send', extra: 1 }],
      ['transport:connect', { transportId: 'not-a-uuid', dtlsParameters: fakeDtlsParameters() }],
      ['producer:create', { transportId: '00000000-0000-0000-0000-000000000000', kind: 'audio', source: 'mic' }],
      ['consumer:create', { producerId: 42 }],
      ['room:join', null],
      ['room:join', 'hello'],
      ['consumer:setLayers', { consumerId: '00000000-0000-0000-0000-000000000000', spatialLayer: 99 }],
    ];
    for (const [name, payload] of cases) {
      const answer = await request(socket, name, payload);
      expect(answer, `${name} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    const peer = [...t.server.liveRooms.get(room.id)!.peers.values()].find((p) => p.identity.role === 'applicant')!;
    expect(peer.transports.size).toBe(0);
  });

  it('answers out-of-order requests with NOT_JOINED, ALREADY_JOINED or NOT_FOUND', async () => {
    const room = await hostedRoom();
    const socket = await partyInRoom(room.id, '钱七');
    expect(await request(socket, 'transport:create', { direction: 'send' })).toMatchObject({ error: { code: 'NOT_JOINED' } });
    expect(await request(socket, 'room:leave', {})).toMatchObject({ error: { code: 'NOT_JOINED' } });
    const joined = await joinRoom(socket);
    expect(await request(socket, 'room:join', { rtpCapabilities: joined.routerRtpCapabilities })).toMatchObject({
      error: { code: 'ALREADY_JOINED' },
    });
    const fakeId = '11111111-2222-3333-4444-555555555555';
    expect(await request(socket, 'consumer:create', { producerId: fakeId })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await request(socket, 'producer:pause', { producerId: fakeId })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const recv = await ok(socket, 'transport:create', { direction: 'recv' });
    // Producing on a receive transport is refused.
    expect(
      await request(socket, 'producer:create', { transportId: recv.id, kind: 'audio', rtpParameters: opusRtpParameters(), source: 'mic' }),
    ).toMatchObject({ error: { code: 'NOT_FOUND' } });
    await ok(socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });
    expect(await request(socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() })).toMatchObject({
      error: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('refuses a producer whose kind does not match its source, or malformed RTP parameters', async () => {
    const room = await hostedRoom();
    const socket = await partyInRoom(room.id, '孙八');
    await joinRoom(socket);
    const send = await ok(socket, 'transport:create', { direction: 'send' });
    expect(
      await request(socket, 'producer:create', { transportId: send.id, kind: 'video', rtpParameters: opusRtpParameters(), source: 'mic' }),
    ).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(
      await request(socket, 'producer:create', {
        transportId: send.id,
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/nonsense' }] },
        source: 'mic',
      }),
    ).toMatchObject({ ok: false });
    const peer = [...t.server.liveRooms.get(room.id)!.peers.values()].find((p) => p.identity.role === 'applicant')!;
    expect(peer.producers.size).toBe(0);
  });

  it('answers unknown events with UNKNOWN_EVENT and survives garbage on every event', async () => {
    const room = await hostedRoom();
    const socket = await partyInRoom(room.id, '周九');
    expect(await request(socket, 'nonsense:event' as RequestName, {})).toMatchObject({ error: { code: 'UNKNOWN_EVENT' } });
    const garbage: unknown[] = [undefined, null, 0, -1, 'x'.repeat(5000), [], [1, 2], { __proto__: { a: 1 } }, { constructor: 1 }, true];
    for (const name of Object.keys(RequestSchemas) as RequestName[]) {
      for (const payload of garbage) {
        const answer = await request(socket, name, payload);
        expect(answer.ok, `${name} with ${String(payload).slice(0, 20)}`).toBe(name === 'room:capabilities' || name === 'room:leave' ? answer.ok : false);
      }
      (socket.emit as (event: string, payload: unknown) => void)(name, { broken: true }); // no acknowledgement at all
    }
    const health = await t.api<{ status: string }>('GET', '/api/health');
    expect(health.body.status).toBe('ok');
  });
});

describe('rooms are sealed from each other', () => {
  it('a token for room X cannot connect to room Y', async () => {
    const x = await hostedRoom('X');
    const y = await hostedRoom('Y');
    const token = await t.partyToken(x.id, '甲');
    expect(await connectRefused(t.url, { token, roomId: y.id })).toBe('FORBIDDEN');
    // The link itself is only good for redeeming, never for connecting.
    const link = await t.invite(x.id, '乙');
    expect(await connectRefused(t.url, { token: link.token })).toBe('UNAUTHORIZED');
  });

  it('a peer cannot consume, pause or use transports of another room', async () => {
    const x = await hostedRoom('X');
    const y = await hostedRoom('Y');
    const inX = await partyInRoom(x.id, '甲');
    const inY = await partyInRoom(y.id, '乙');
    const a = await sendingPeer(inX);
    await joinRoom(inY);
    const recv = await ok(inY, 'transport:create', { direction: 'recv' });
    expect(await request(inY, 'consumer:create', { producerId: a.video.id })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await request(inY, 'producer:pause', { producerId: a.audio.id })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await request(inY, 'transport:restartIce', { transportId: a.transport.id })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    expect(recv.id).not.toBe(a.transport.id);
    expect(t.server.liveRooms.get(x.id)!.findProducer(a.audio.id)!.paused).toBe(false);
  });

  it('refuses handshakes without a valid token', async () => {
    expect(await connectRefused(t.url, {})).toBe('UNAUTHORIZED');
    expect(await connectRefused(t.url, { token: 'x'.repeat(40) })).toBe('UNAUTHORIZED');
    expect(await connectRefused(t.url, { token: t.staffToken })).toBe('INVALID_PAYLOAD'); // staff must name a room
    const expired = t.server.app.jwt.sign(
      { typ: 'party', sub: 'gone', room: 'r', case: null, name: 'n', role: 'applicant' },
      { expiresIn: -10 },
    );
    expect(await connectRefused(t.url, { token: expired })).toBe('UNAUTHORIZED');
  });
});

describe('resilience', () => {
  it('a reconnecting identity replaces its stale peer', async () => {
    const room = await hostedRoom();
    const token = await t.partyToken(room.id, '吴十');
    const first = await connect(t.url, { token });
    const second = await connect(t.url, { token });
    sockets.push(first, second);
    await joinRoom(first);
    const closed = nextEvent(first, 'room:closed');
    await joinRoom(second);
    expect(await closed).toEqual({ reason: 'replaced' });
    expect(t.server.liveRooms.get(room.id)!.peers.size).toBe(2); // the new one and the host
  });

  it('when a worker dies, clients are told to rejoin and can', async () => {
    const room = await hostedRoom();
    const socket = await partyInRoom(room.id, '郑十一');
    await sendingPeer(socket);
    const deadPid = t.server.liveRooms.get(room.id)!.slot.worker.pid;
    const rejoin = nextEvent(socket, 'room:rejoin', 10_000);
    process.kill(deadPid, 'SIGKILL');
    expect(await rejoin).toEqual({ reason: 'worker-died' });
    await expect.poll(() => t.server.pool.pids().some((pid) => pid !== deadPid), { timeout: 10_000 }).toBe(true);
    const again = await joinRoom(socket);
    expect(again.peerId).toBeTruthy();
    expect(t.server.liveRooms.get(room.id)!.slot.worker.pid).not.toBe(deadPid);
  });
});
