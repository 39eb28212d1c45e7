/**
 * Fuzzes every request of the main signalling namespace against a real
 * server with real mediasoup workers (and recording on). Each step picks an
 * actor (host, admitted party, party in the lobby, socket not yet joined),
 * a request from the catalogue and a payload (valid, mutated, hostile or
 * random), so steps arrive out of order too: media before transports,
 * host commands from a party, anything before room:join. Each answer must
 * come within the bound, be `{ok:true}` or `{ok:false,error:{code,message}}`
 * with a code from the catalogue (never INTERNAL), and a refused request
 * must leave the store, the worker, the room and the session as they were.
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RequestSchemas, hearingPhases, type RequestName, type RequestPayload } from '../../server/signalling/protocol.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { io } from 'socket.io-client';
import { connect, fakeDtlsParameters, opusRtpParameters, request, vp8RtpParameters } from '../helpers/signallingClient.ts';
import { FUZZ_TIME_MS, REPLY_BOUND_MS, changedKeys, describePayload, fuzzOptions, hostileValue, mutated, nastyString, payloadVariant, recorderTables, storeSnapshot } from './fuzzKit.ts';
import { SocketWorld, actorNames, servicePartyToken, type ActorName } from './socketWorld.ts';

type Ids = ReturnType<SocketWorld['ids']> & { own: ReturnType<SocketWorld['own']>; caps: unknown };
type ValidPayloads = { [N in RequestName]: (ids: Ids) => fc.Arbitrary<RequestPayload<N>> };

/** One id the request may name: mostly live ones (own or anyone's), sometimes unknown. */
const pick = (...pools: string[][]) => {
  const live = pools.flat();
  return live.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...live) }, { weight: 1, arbitrary: fc.uuid() }) : fc.uuid();
};
const rtp = fc.constantFrom('audio', 'video').chain((kind) =>
  fc.record({
    kind: fc.constant(kind as 'audio' | 'video'),
    source: kind === 'audio' ? fc.constant('mic' as const) : fc.constantFrom('camera' as const, 'screen' as const),
    rtpParameters: fc.constant(null).map(() => (kind === 'audio' ? opusRtpParameters(randomInt(1, 2 ** 31)) : vp8RtpParameters(randomInt(1, 2 ** 31)))),
  }),
);

/** A valid payload for every request; the type makes a new request in the catalogue fail to compile until it is fuzzed. */
const validPayloads: ValidPayloads = {
  'room:capabilities': () => fc.constant({}),
  'room:join': (ids) => fc.record({ rtpCapabilities: fc.constant(ids.caps as never), device: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }) }, { requiredKeys: ['rtpCapabilities'] }),
  'room:leave': () => fc.constant({}),
  'transport:create': () => fc.record({ direction: fc.constantFrom('send' as const, 'recv' as const) }),
  'transport:connect': (ids) => fc.record({ transportId: pick(ids.own.transports, ids.transports), dtlsParameters: fc.constant(null).map(fakeDtlsParameters) }),
  'transport:restartIce': (ids) => fc.record({ transportId: pick(ids.own.transports, ids.transports) }),
  'producer:create': (ids) => fc.tuple(pick(ids.own.transports, ids.transports), rtp).map(([transportId, r]) => ({ transportId, ...r }) as never),
  'producer:pause': (ids) => fc.record({ producerId: pick(ids.own.producers, ids.producers) }),
  'producer:resume': (ids) => fc.record({ producerId: pick(ids.own.producers, ids.producers) }),
  'producer:close': (ids) => fc.record({ producerId: pick(ids.own.producers, ids.producers) }),
  'consumer:create': (ids) => fc.record({ producerId: pick(ids.producers) }),
  'consumer:resume': (ids) => fc.record({ consumerId: pick(ids.own.consumers, ids.consumers) }),
  'consumer:pause': (ids) => fc.record({ consumerId: pick(ids.own.consumers, ids.consumers) }),
  'consumer:setLayers': (ids) =>
    fc.record(
      { consumerId: pick(ids.own.consumers, ids.consumers), spatialLayer: fc.integer({ min: 0, max: 3 }), temporalLayer: fc.integer({ min: 0, max: 3 }) },
      { requiredKeys: ['consumerId', 'spatialLayer'] },
    ),
  'session:admit': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:verify': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:reject': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:remove': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:mute': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:unmute': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:hand': () => fc.record({ raised: fc.boolean() }),
  'session:lowerHand': (ids) => fc.record({ participantId: pick(ids.participants) }),
  'session:private': () => fc.record({ side: fc.constantFrom('applicant' as const, 'respondent' as const, null) }),
  'session:phase': () =>
    fc.record(
      {
        // Not 闭庭: closing ends the hearing, and with it the room the property shares.
        phase: fc.constantFrom(...hearingPhases.filter((phase) => phase !== 'closing')),
        outcome: fc.constantFrom('ruling' as const, 'adjournment' as const, 'settlement' as const),
        note: fc.string({ maxLength: 200 }),
      },
      { requiredKeys: ['phase'] },
    ),
  'chat:send': () => fc.record({ text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }) }),
  // Sent with a reason only a party may send (a valid end would close the one room the property shares;
  // ending is covered by tests/integration/session-end.test.ts); mutated variants still reach the schema.
  'session:end': () => fc.record({ reason: fc.constantFrom('agreement' as const, 'no_agreement' as const, 'adjourned' as const, 'other' as const), note: fc.string({ maxLength: 200 }) }),
  'session:history': () => fc.constant({}),
  'session:quality': () =>
    fc.record({
      level: fc.constantFrom('good' as const, 'poor' as const, 'lost' as const),
      lossPct: fc.double({ min: 0, max: 100, noNaN: true }),
      rttMs: fc.integer({ min: 0, max: 60_000 }),
      freezeS: fc.integer({ min: 0, max: 600 }),
    }),
  'notes:get': () => fc.constant({}),
  'notes:save': () => fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 500 }) }),
};

const requestNames = Object.keys(RequestSchemas) as RequestName[];
/** Requests that, accepted from the host, end the room the property shares: sent only by parties in the sequences. */
const endsTheRoom = new Set<RequestName>(['session:end']);
const knownCodes = new Set<string>(Object.values(ErrorCode));
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: TestServer;
const worlds: SocketWorld[] = [];
/** request → answer code → count, printed at the end: shows the fuzz reached past validation. */
const tally = new Map<string, Map<string, number>>();

beforeAll(async () => {
  // No participant turns "gone" (and is logged) on a timer in the middle of a step.
  // Per-socket rate limits off: the fuzzer sends far more than a phone may (the limits have their own tests).
  t = await startTestServer({ peerGraceSeconds: 3600, signalling: { maxConsumersPerPeer: 60, rateLimits: null } });
});

afterAll(async () => {
  if (process.env.FUZZ_TALLY) {
    for (const [name, codes] of [...tally].sort()) console.log(name.padEnd(22), [...codes].map(([code, n]) => `${code}=${n}`).join(' '));
  }
  for (const world of worlds) world.close();
  await t?.close();
});

interface Step {
  actor: ActorName;
  name: RequestName;
  variant: string;
  payload: unknown;
}

/** Sends one step and checks the answer; returns a description of what went wrong, if anything. */
async function runStep(world: SocketWorld, step: Step): Promise<void> {
  const socket = world.socketOf(step.actor);
  const before = await world.snapshot();
  const started = performance.now();
  let reply: { ok: boolean; data?: unknown; error?: { code: unknown; message: unknown } };
  try {
    reply = await (socket.timeout(REPLY_BOUND_MS) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<typeof reply> }).emitWithAck(step.name, step.payload);
  } catch {
    throw new Error(`no answer within ${REPLY_BOUND_MS} ms`);
  }
  const elapsed = performance.now() - started;
  world.observe(step.actor, step.name, reply);
  const codes = tally.get(step.name) ?? new Map<string, number>();
  const code = reply?.ok ? 'ok' : String(reply?.error?.code);
  codes.set(code, (codes.get(code) ?? 0) + 1);
  tally.set(step.name, codes);
  expect(elapsed, 'reply time').toBeLessThan(REPLY_BOUND_MS);
  expect(typeof reply.ok, 'reply shape').toBe('boolean');
  if (reply.ok) {
    expect(reply, 'an ok reply carries data').toHaveProperty('data');
    await settle(40); // what an accepted request sets off after its answer (session state, announcements)
    return;
  }
  expect(knownCodes.has(String(reply.error?.code)), `error code ${String(reply.error?.code)} is in the catalogue`).toBe(true);
  expect(reply.error?.code, 'a refusal is never an internal error').not.toBe(ErrorCode.Internal);
  expect(typeof reply.error?.message === 'string' && reply.error.message.length > 0, 'error message').toBe(true);
  await settle(15);
  const after = await world.snapshot();
  expect(changedKeys(before, after), 'a refused request changes nothing').toEqual([]);
}

async function fuzzRoom(mode: 'face_to_face' | 'back_to_back' | 'hearing', timeMs: number) {
  const room = await t.createRoom(`模糊测试 ${mode}`, mode);
  const world = new SocketWorld(t, room.id);
  worlds.push(world);
  await world.ensure();
  const workers = t.server.pool.pids();
  let steps = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ actor: fc.constantFrom(...actorNames), name: fc.constantFrom(...requestNames), seed: fc.integer() }), { minLength: 1, maxLength: 6 }),
      fc.gen(),
      async (plan, gen) => {
        for (const { actor: planned, name } of plan) {
          const actor = endsTheRoom.has(name) && planned === 'host' ? 'party' : planned;
          await world.ensure();
          const ids = { ...world.ids(), own: world.own(actor), caps: world.routerRtpCapabilities };
          const { variant, payload } = gen(() => payloadVariant((validPayloads[name] as (ids: Ids) => fc.Arbitrary<unknown>)(ids)));
          const step = { actor, name, variant, payload };
          steps++;
          try {
            await runStep(world, step);
          } catch (error) {
            throw new Error(`${mode}: ${actor} → ${name} (${variant}) ${describePayload(payload)}: ${(error as Error).message}`);
          }
        }
        // The server still answers, on HTTP and on a socket, and no worker died.
        expect((await t.api<{ status: string }>('GET', '/api/health')).body.status).toBe('ok');
        expect(t.server.pool.pids(), 'no mediasoup worker died').toEqual(workers);
      },
    ),
    { ...fuzzOptions(), interruptAfterTimeLimit: timeMs },
  );
  return steps;
}

describe('socket requests under fuzzing', () => {
  it('face-to-face room: every request, any actor, any payload', async () => {
    const steps = await fuzzRoom('face_to_face', FUZZ_TIME_MS);
    expect(steps).toBeGreaterThan(50);
  }, FUZZ_TIME_MS + 60_000);

  it('back-to-back room: private talks switch while others keep sending', async () => {
    const steps = await fuzzRoom('back_to_back', FUZZ_TIME_MS / 2);
    expect(steps).toBeGreaterThan(20);
  }, FUZZ_TIME_MS + 60_000);

  it('hearing room: phases, floor control and chat from every side', async () => {
    const steps = await fuzzRoom('hearing', FUZZ_TIME_MS / 2);
    expect(steps).toBeGreaterThan(20);
  }, FUZZ_TIME_MS + 60_000);

  it('handshakes with any credentials are accepted or refused with a code, and change nothing', async () => {
    const room = await t.createRoom('握手');
    const party = await servicePartyToken(t, room.id, '握手');
    const tokens = fc.oneof(fc.constantFrom(t.staffToken, party), fc.constantFrom(t.staffToken, party).chain((token) => mutated({ token }, 20_000).map((v) => (v as { token?: unknown }).token)), nastyString);
    const auth = fc.oneof(
      fc.record({ token: tokens, roomId: fc.oneof(fc.constant(room.id), fc.uuid(), nastyString, hostileValue(5_000)) }, { requiredKeys: [] }),
      hostileValue(50_000).map((value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : { token: value })),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(auth, async (credentials) => {
        runs++;
        const before = await storeSnapshot(t.server.db, recorderTables);
        const socket = io(t.url, { auth: credentials as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
        const outcome = await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('no answer'), REPLY_BOUND_MS);
          socket.once('connect', () => (clearTimeout(timer), resolve('connected')));
          socket.once('connect_error', (error) => (clearTimeout(timer), resolve(String((error as Error & { data?: { code?: string } }).data?.code))));
        });
        socket.close();
        const where = `auth ${describePayload(credentials)} → ${outcome}`;
        expect(outcome, where).not.toBe('no answer');
        if (outcome === 'connected') return;
        expect(knownCodes.has(outcome) && outcome !== ErrorCode.Internal, `${where}: a known code`).toBe(true);
        expect(changedKeys(before, await storeSnapshot(t.server.db, recorderTables)), `${where}: a refused handshake changes nothing`).toEqual([]);
      }),
      { ...fuzzOptions(), numRuns: 80, interruptAfterTimeLimit: FUZZ_TIME_MS / 2 },
    );
    expect(runs).toBeGreaterThan(10);
  }, FUZZ_TIME_MS + 30_000);

  it('a message over the size limit closes only that connection', async () => {
    const room = await t.createRoom('超大消息');
    const token = await servicePartyToken(t, room.id, '超大');
    const big = await connect(t.url, { token });
    const bystander = await connect(t.url, { token: await servicePartyToken(t, room.id, '旁人', 'respondent') });
    const dropped = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    (big.emit as (event: string, payload: unknown) => void)('chat:send', { text: 'x'.repeat(300 * 1024) });
    expect(await dropped).toBe('transport close');
    expect(await request(bystander, 'room:capabilities', {})).toMatchObject({ ok: true });
    bystander.close();
  });

  it('requests without an acknowledgement, or with extra arguments, are ignored or answered', async () => {
    const room = await t.createRoom('无应答');
    const socket = await connect(t.url, { token: await servicePartyToken(t, room.id, '无应答') });
    for (const name of requestNames) {
      (socket.emit as (event: string, ...args: unknown[]) => void)(name, { any: 1 });
      (socket.emit as (event: string, ...args: unknown[]) => void)(name);
    }
    const reply = await (socket.timeout(REPLY_BOUND_MS) as unknown as { emitWithAck: (...a: unknown[]) => Promise<unknown> }).emitWithAck('chat:send', { text: 'a' }, 'extra', 3);
    expect(reply).toMatchObject({ ok: false });
    expect(knownCodes.has((reply as { error: { code: string } }).error.code)).toBe(true);
    expect(await request(socket, 'room:capabilities', {})).toMatchObject({ ok: true });
    socket.close();
  });
});
