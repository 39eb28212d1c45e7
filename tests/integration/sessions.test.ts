/**
 * Live sessions with node-side clients against a real mediasoup worker:
 * the lobby, back-to-back isolation in the SFU itself, hearing phases,
 * server-side muting, removal, presence and state that survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../server/signalling/protocol.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import {
  connect,
  connectRefused,
  fakeDtlsParameters,
  joinRoom,
  nextEvent,
  ok,
  opusRtpParameters,
  request,
  vp8RtpParameters,
  type ClientSocket,
} from '../helpers/signallingClient.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { storesUnderTest } from '../helpers/stores.ts';

describe.each(storesUnderTest)('sessions on $name', (store) => {

let t: TestServer;
let mediator: Awaited<ReturnType<typeof seedStaff>>;
let arbitrator: Awaited<ReturnType<typeof seedStaff>>;
let clerk: Awaited<ReturnType<typeof seedStaff>>;
let orgId: string;
const sockets: ClientSocket[] = [];
let applicants = 0;

let databaseUrl: string | undefined;
let cleanupStore: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const opened = await store.open();
  await opened.db.destroy();
  databaseUrl = opened.databaseUrl;
  cleanupStore = opened.cleanup;
  t = await startTestServer({ peerGraceSeconds: 1, keepData: true, databaseUrl });
  orgId = (await seedOrganisation(t)).id;
  mediator = await seedStaff(t, orgId, 'mediator', 'mediator1');
  arbitrator = await seedStaff(t, orgId, 'arbitrator', 'arbitrator1');
  clerk = await seedStaff(t, orgId, 'clerk', 'clerk1');
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
  await cleanupStore?.().catch(() => undefined);
});

/** A case assigned to `host`, with a scheduled session of the given mode. */
async function caseSession(mode: 'face_to_face' | 'back_to_back' | 'hearing', host = mediator) {
  const applicant = { ...application(orgId).applicant, idNumber: residentId(++applicants) };
  const created = await submitApplication(t, application(orgId, { applicant }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: host.id }, clerk.token);
  const session = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode, scheduledAt: new Date().toISOString() }, host.token);
  return { caseId, roomId: session.body.id };
}

/** A socket that keeps the latest session snapshot it was sent. */
async function participant(url: string, auth: { token: string; roomId?: string }) {
  const socket = await connect(url, auth);
  sockets.push(socket);
  const state: { latest?: SessionSnapshot } = {};
  socket.on('session:state', (snapshot) => (state.latest = snapshot));
  return { socket, state };
}

async function produceBoth(socket: ClientSocket) {
  const send = await ok(socket, 'transport:create', { direction: 'send' });
  await ok(socket, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtlsParameters() });
  const mic = await ok(socket, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(), source: 'mic' });
  const camera = await ok(socket, 'producer:create', { transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(), source: 'camera' });
  const recv = await ok(socket, 'transport:create', { direction: 'recv' });
  await ok(socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });
  return { mic: mic.id, camera: camera.id };
}

async function admitAll(host: { socket: ClientSocket; state: { latest?: SessionSnapshot } }, names: string[]) {
  for (const name of names) {
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === name && p.presence === 'online')).toBeTruthy();
    const id = host.state.latest!.participants.find((p) => p.name === name)!.id;
    await ok(host.socket, 'session:verify', { participantId: id });
    await ok(host.socket, 'session:admit', { participantId: id });
  }
}

const sfuConsumersOf = (roomId: string, name: string) =>
  [...[...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === name)!.consumers.values()];

describe('lobby', () => {
  it('keeps parties waiting, unseen and unheard, until the host checks and admits them', async () => {
    const { caseId, roomId } = await caseSession('face_to_face');
    const host = await participant(t.url, { token: mediator.token, roomId });
    await joinRoom(host.socket);
    await produceBoth(host.socket);
    const worker = await participant(t.url, { token: await t.partyToken(roomId, '张三', 'applicant') });
    const joined = await joinRoom(worker.socket);
    expect(joined.peers).toEqual([]);
    await expect.poll(() => worker.state.latest?.you).toMatchObject({ admitted: false, isHost: false });
    expect(worker.state.latest!.participants.map((p) => p.name)).toEqual(['张三']); // sees only itself
    expect(worker.state.latest!.recording.status).toBe('recording');
    const workerProducers = await produceBoth(worker.socket);
    // The host sees who waits (identity check by video) ...
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '张三')).toMatchObject({ admitted: false, presence: 'online' });
    const hostConsume = await request(host.socket, 'consumer:create', { producerId: workerProducers.camera });
    expect(hostConsume.ok).toBe(true);
    // ... but the waiting party may consume nothing.
    const hostMic = [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === '李调解员')!.producerSummaries()[0]!.id;
    expect(await request(worker.socket, 'consumer:create', { producerId: hostMic })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    // A party may not admit.
    expect(await request(worker.socket, 'session:admit', { participantId: worker.state.latest!.you.id })).toMatchObject({ error: { code: 'FORBIDDEN' } });

    const announced: string[] = [];
    worker.socket.on('producer:new', (p) => announced.push(p.id));
    await admitAll(host, ['张三']);
    await expect.poll(() => worker.state.latest?.you).toMatchObject({ admitted: true, verified: true });
    await expect.poll(() => announced.length).toBe(2);
    expect((await request(worker.socket, 'consumer:create', { producerId: hostMic })).ok).toBe(true);

    const audit = await t.api<{ entries: { action: string }[] }>('GET', `/api/cases/${caseId}/audit`, undefined, clerk.token);
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['session.participant.verified', 'session.participant.admitted']));
  });
});

describe('back-to-back mediation', () => {
  it('isolates the other side in the SFU during a private talk, and logs every switch', async () => {
    const { caseId, roomId } = await caseSession('back_to_back');
    const host = await participant(t.url, { token: mediator.token, roomId });
    await joinRoom(host.socket);
    const m = await produceBoth(host.socket);
    const a = await participant(t.url, { token: await t.partyToken(roomId, '张三', 'applicant') });
    const b = await participant(t.url, { token: await t.partyToken(roomId, '某公司', 'respondent') });
    await joinRoom(a.socket);
    await joinRoom(b.socket);
    await admitAll(host, ['张三', '某公司']);
    const pa = await produceBoth(a.socket);
    await produceBoth(b.socket);
    for (const producerId of [pa.mic, pa.camera, m.mic, m.camera]) {
      const consumer = await ok(b.socket, 'consumer:create', { producerId });
      await ok(b.socket, 'consumer:resume', { consumerId: consumer.id });
    }
    expect(sfuConsumersOf(roomId, '某公司')).toHaveLength(4);

    const bLost: string[] = [];
    b.socket.on('producer:closed', (e) => bLost.push(e.producerId));
    const bChat: string[] = [];
    b.socket.on('chat:message', (msg) => bChat.push(msg.text));
    await ok(host.socket, 'session:private', { side: 'applicant' });

    // Closed in the SFU, not hidden in a page.
    await expect.poll(() => sfuConsumersOf(roomId, '某公司')).toHaveLength(0);
    await expect.poll(() => bLost.sort()).toEqual([pa.mic, pa.camera, m.mic, m.camera].sort());
    await expect.poll(() => b.state.latest?.privateTalk).toMatchObject({ includesYou: false, side: null });
    await expect.poll(() => a.state.latest?.privateTalk).toMatchObject({ includesYou: true, side: 'applicant' });
    // A forged consume from the other side is refused.
    for (const producerId of [pa.mic, pa.camera, m.mic]) {
      expect(await request(b.socket, 'consumer:create', { producerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    // Chat in the private talk stays in it.
    await ok(a.socket, 'chat:send', { text: '我只能接受八千元' });
    expect((await ok(host.socket, 'chat:send', { text: '我们再想想' })).private).toBe(true);

    await ok(host.socket, 'session:private', { side: 'respondent' });
    await expect.poll(() => b.state.latest?.privateTalk).toMatchObject({ includesYou: true, side: 'respondent' });
    await expect.poll(() => a.state.latest?.privateTalk).toMatchObject({ includesYou: false });
    await ok(host.socket, 'session:private', { side: null });
    await expect.poll(() => b.state.latest?.privateTalk).toBeNull();
    expect((await request(b.socket, 'consumer:create', { producerId: pa.camera })).ok).toBe(true);
    expect(bChat).toEqual([]);

    // After a reload, history gives each side only what it was allowed to see.
    await ok(a.socket, 'chat:send', { text: '大家好' });
    expect((await ok(b.socket, 'session:history', {})).messages.map((m) => m.text)).toEqual(['大家好']);
    expect((await ok(a.socket, 'session:history', {})).messages.map((m) => m.text)).toEqual(['我只能接受八千元', '我们再想想', '大家好']);

    const events = await t.server.db.selectFrom('session_events').select(['kind', 'detail', 'at']).where('room_id', '=', roomId).where('kind', 'like', 'private.%').orderBy('at').execute();
    expect(events.map((e) => [e.kind, JSON.parse(e.detail).side])).toEqual([
      ['private.started', 'applicant'],
      ['private.ended', 'applicant'],
      ['private.started', 'respondent'],
      ['private.ended', 'respondent'],
    ]);
    const chat = await t.server.db.selectFrom('chat_messages').select(['text', 'audience']).where('case_id', '=', caseId).orderBy('at').execute();
    expect(chat).toEqual([
      { text: '我只能接受八千元', audience: 'talk:applicant' },
      { text: '我们再想想', audience: 'talk:applicant' },
      { text: '大家好', audience: 'all' },
    ]);
  });
});

describe('fast-track hearing', () => {
  it('walks through the phases in order, only at the arbitrator’s word, with floor control', async () => {
    const { roomId } = await caseSession('hearing', arbitrator);
    const host = await participant(t.url, { token: arbitrator.token, roomId });
    await joinRoom(host.socket);
    const a = await participant(t.url, { token: await t.partyToken(roomId, '张三', 'applicant') });
    await joinRoom(a.socket);
    await admitAll(host, ['张三']);
    const pa = await produceBoth(a.socket);

    expect(await request(host.socket, 'session:phase', { phase: 'debate' })).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(await request(a.socket, 'session:phase', { phase: 'opening' })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const phases = ['opening', 'notice', 'claims_defence', 'investigation', 'debate', 'mediation', 'final_statements'] as const;
    for (const phase of phases) {
      await ok(host.socket, 'session:phase', { phase });
      await expect.poll(() => a.state.latest?.phase).toBe(phase);
    }
    expect(await request(host.socket, 'session:phase', { phase: 'closing' })).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });

    // Floor control: muted in the SFU, and the party cannot unmute itself.
    const partyId = host.state.latest!.participants.find((p) => p.name === '张三')!.id;
    const ownPause = nextEvent(a.socket, 'producer:paused');
    await ok(host.socket, 'session:mute', { participantId: partyId });
    expect((await ownPause).producerId).toBe(pa.mic);
    const micProducer = t.server.liveRooms.get(roomId)!.findProducer(pa.mic)!;
    expect(micProducer.paused).toBe(true);
    expect(await request(a.socket, 'producer:resume', { producerId: pa.mic })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    await ok(a.socket, 'session:hand', { raised: true });
    await expect.poll(() => host.state.latest?.participants.find((p) => p.id === partyId)?.handRaised).toBe(true);
    expect(await request(a.socket, 'session:lowerHand', { participantId: partyId })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    await ok(host.socket, 'session:lowerHand', { participantId: partyId });
    await expect.poll(() => a.state.latest?.you.handRaised).toBe(false);
    await ok(a.socket, 'session:hand', { raised: true });
    await ok(host.socket, 'session:unmute', { participantId: partyId });
    expect(micProducer.paused).toBe(false);

    // 闭庭 ends the hearing for everyone: the party is let go, and nobody can enter it again.
    const letGo = nextEvent(a.socket, 'room:closed');
    await ok(host.socket, 'session:phase', { phase: 'closing', outcome: 'adjournment', note: '双方需补充证据，择期再审' });
    expect(await letGo).toEqual({ reason: 'ended' });
    const again = await participant(t.url, { token: arbitrator.token, roomId });
    expect(await request(again.socket, 'session:phase', { phase: 'closing', outcome: 'ruling' })).toMatchObject({ ok: false });
    expect(await request(again.socket, 'room:capabilities', {})).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    const log = await t.server.db.selectFrom('session_events').select(['kind', 'detail', 'at']).where('room_id', '=', roomId).orderBy('at').orderBy('id').execute();
    const phaseLog = log.filter((e) => e.kind === 'phase.changed').map((e) => JSON.parse(e.detail) as { phase: string; outcome?: string });
    expect(phaseLog.map((p) => p.phase)).toEqual([...phases, 'closing']);
    expect(phaseLog.at(-1)).toMatchObject({ outcome: 'adjournment', note: '双方需补充证据，择期再审' });
    const times = log.filter((e) => e.kind === 'phase.changed').map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    expect(log.map((e) => e.kind)).toEqual(expect.arrayContaining(['floor.muted', 'floor.unmuted']));
  });
});

describe('presence and removal', () => {
  it('shows a dropped party as reconnecting, then gone; it comes back admitted', async () => {
    const { roomId } = await caseSession('face_to_face');
    const host = await participant(t.url, { token: mediator.token, roomId });
    await joinRoom(host.socket);
    const token = await t.partyToken(roomId, '张三', 'applicant');
    const a = await participant(t.url, { token });
    await joinRoom(a.socket);
    await admitAll(host, ['张三']);
    a.socket.close();
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '张三')?.presence).toBe('reconnecting');
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '张三')?.presence, { timeout: 5000 }).toBe('gone');
    const again = await participant(t.url, { token });
    await joinRoom(again.socket);
    await expect.poll(() => again.state.latest?.you).toMatchObject({ admitted: true, presence: 'online' });
  });

  it('removes a guest for good: disconnected and the invitation withdrawn', async () => {
    const { roomId } = await caseSession('face_to_face');
    const host = await participant(t.url, { token: mediator.token, roomId });
    await joinRoom(host.socket);
    const token = await t.partyToken(roomId, '王专家', 'expert');
    const expert = await participant(t.url, { token });
    await joinRoom(expert.socket);
    await admitAll(host, ['王专家']);
    const closed = nextEvent(expert.socket, 'room:closed');
    await ok(host.socket, 'session:remove', { participantId: host.state.latest!.participants.find((p) => p.name === '王专家')!.id });
    expect(await closed).toEqual({ reason: 'removed' });
    expect(await connectRefused(t.url, { token })).toBe('UNAUTHORIZED');
  });
});

describe('restart', () => {
  it('a restarted server remembers phase and admissions from the event log', async () => {
    const { roomId } = await caseSession('hearing', arbitrator);
    const host = await participant(t.url, { token: arbitrator.token, roomId });
    await joinRoom(host.socket);
    const partyToken = await t.partyToken(roomId, '张三', 'applicant');
    const a = await participant(t.url, { token: partyToken });
    await joinRoom(a.socket);
    await admitAll(host, ['张三']);
    await ok(host.socket, 'session:phase', { phase: 'opening' });
    await ok(host.socket, 'session:phase', { phase: 'notice' });
    for (const socket of sockets) socket.close();
    await t.close();

    t = await startTestServer({ dataDir: t.dataDir, peerGraceSeconds: 1, databaseUrl });
    const back = await participant(t.url, { token: partyToken });
    await joinRoom(back.socket);
    await expect.poll(() => back.state.latest).toMatchObject({ phase: 'notice', you: { admitted: true, verified: true } });
  });
});
});
