/**
 * The store goes away under a live hearing: PostgreSQL backends terminated
 * (and logins refused for a while, as while it restarts), SQLite locked by
 * another process. The server lives, every peer stays connected, commands
 * during the outage answer STORE_UNAVAILABLE (retryable) and change nothing,
 * the next one after the store is back succeeds, and a restarted server
 * replays what the clients saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { joinRoom, ok, request, vp8RtpParameters, type ClientSocket } from '../helpers/signallingClient.ts';
import { request as clientRequest, type SignallingSocket } from '../../client/src/signalling.ts';
import { admitAll, caseSession, participant, participantId, produceBoth, seedHosts } from '../helpers/liveCase.ts';

const sockets: ClientSocket[] = [];
const servers: TestServer[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.close();
  for (const server of servers) await server.close().catch(() => undefined);
});

const consumersOf = (t: TestServer, roomId: string, name: string) =>
  [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === name)!.consumers.size;

const postgresUrl = process.env.DATABASE_URL;

describe.skipIf(!postgresUrl)('PostgreSQL backends terminated mid-hearing', () => {
  // A login role and schema of this test alone: its connections are the only ones terminated and refused.
  const role = `yt_fault_${randomBytes(5).toString('hex')}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.close().catch(() => undefined);
    await admin(async (c) => {
      await c.query(`ALTER ROLE ${role} LOGIN`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await c.query(`DROP SCHEMA IF EXISTS ${role} CASCADE`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
    }).catch(() => undefined);
  });

  it('keeps the hearing alive, refuses commands while the store is gone, and resumes after', async () => {
    await admin(async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN`);
      await c.query(`CREATE SCHEMA ${role} AUTHORIZATION ${role}`);
    });
    const url = new URL(postgresUrl!);
    url.username = role;
    url.password = '';
    url.searchParams.set('options', `-c search_path=${role}`);
    url.searchParams.set('application_name', role);
    const databaseUrl = url.toString();
    let t = await startTestServer({ databaseUrl, keepData: true });
    servers.push(t);
    const { orgId, mediator, clerk } = await seedHosts(t);
    const { roomId } = await caseSession(t, orgId, clerk, mediator, 'back_to_back');
    const host = await participant(t.url, { token: mediator.token, roomId }, sockets);
    await joinRoom(host.socket);
    const applicantToken = await t.partyToken(roomId, '张三', 'applicant');
    const respondentToken = await t.partyToken(roomId, '某公司', 'respondent');
    const a = await participant(t.url, { token: applicantToken }, sockets);
    const b = await participant(t.url, { token: respondentToken }, sockets);
    await joinRoom(a.socket);
    await joinRoom(b.socket);
    await admitAll(host, ['张三', '某公司']);
    const pa = await produceBoth(a.socket);
    await produceBoth(b.socket);
    for (const producerId of [pa.mic, pa.camera]) await ok(b.socket, 'consumer:create', { producerId });
    expect(consumersOf(t, roomId, '某公司')).toBe(2);

    // The outage: this role may not log in, and every backend it has is terminated.
    await admin(async (c) => {
      await c.query(`ALTER ROLE ${role} NOLOGIN`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()`, [role]);
    });
    await expect
      .poll(async () => admin(async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1`, [role])).rows[0].n), { timeout: 10_000 })
      .toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the pool hears of its dead clients

    // The applicant shares its screen meanwhile: media needs no database, its recording waits for one.
    const sendTransport = [...[...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === '张三')!.transports.values()].find((tr) => tr.appData.direction === 'send')!;
    const screen = await ok(a.socket, 'producer:create', { transportId: sendTransport.id, kind: 'video', rtpParameters: { ...vp8RtpParameters(33333333), mid: '2' }, source: 'screen' });

    const talk = await request(host.socket, 'session:private', { side: 'applicant' });
    expect(talk).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE', retryable: true } });
    const removal = await request(host.socket, 'session:remove', { participantId: participantId(host, '某公司') });
    expect(removal).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE', retryable: true } });
    const http = await fetch(`${t.url}/api/cases`, { headers: { authorization: `Bearer ${clerk.token}` } });
    expect(http.status).toBe(503);
    expect(http.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await http.json()).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    // Nothing changed: no talk, the respondent still hears the applicant, nobody was removed or cut off.
    const session = await t.server.sessions.get(roomId);
    expect(session.confidentiality()).toBeNull();
    expect(consumersOf(t, roomId, '某公司')).toBe(2);
    expect(host.state.latest!.privateTalk).toBeNull();
    expect(host.state.latest!.participants.find((p) => p.name === '某公司')).toMatchObject({ admitted: true, presence: 'online' });
    for (const socket of [host.socket, a.socket, b.socket]) expect(socket.connected).toBe(true);
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);

    // PostgreSQL is back: the next command succeeds on a fresh connection.
    await admin((c) => c.query(`ALTER ROLE ${role} LOGIN`));
    // The screen shared during the outage is recorded now that its part could be registered.
    const server = t.server;
    await expect
      .poll(async () => (await server.db.selectFrom('recording_parts').select('id').where('producer_id', '=', screen.id).execute()).length, { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await request(host.socket, 'session:private', { side: 'applicant' })).toMatchObject({ ok: true });
    await expect.poll(() => consumersOf(t, roomId, '某公司')).toBe(0);
    await expect.poll(() => host.state.latest?.privateTalk).toMatchObject({ side: 'applicant' });
    await expect.poll(() => b.state.latest?.privateTalk).toMatchObject({ includesYou: false });
    expect((await fetch(`${t.url}/api/cases`, { headers: { authorization: `Bearer ${clerk.token}` } })).status).toBe(200);

    // A restarted server replays exactly what the clients saw.
    for (const socket of [host.socket, a.socket, b.socket]) socket.close();
    await t.close();
    t = await startTestServer({ dataDir: t.dataDir, databaseUrl, keepData: true });
    servers.push(t);
    const back = await participant(t.url, { token: mediator.token, roomId }, sockets);
    await joinRoom(back.socket);
    const respondent = await participant(t.url, { token: respondentToken }, sockets);
    await joinRoom(respondent.socket);
    await expect.poll(() => back.state.latest?.privateTalk).toMatchObject({ side: 'applicant' });
    await expect.poll(() => respondent.state.latest?.you).toMatchObject({ admitted: true, verified: true });
  });
});

describe('SQLite locked by another process', () => {
  it('answers 503 / STORE_UNAVAILABLE while the lock is held, lives, and works once it is released', async () => {
    const t = await startTestServer({ databaseUrl: undefined });
    servers.push(t);
    const { orgId, mediator, clerk } = await seedHosts(t, '-busy');
    const { roomId } = await caseSession(t, orgId, clerk, mediator, 'face_to_face');
    const host = await participant(t.url, { token: mediator.token, roomId }, sockets);
    await joinRoom(host.socket);
    const a = await participant(t.url, { token: await t.partyToken(roomId, '张三', 'applicant') }, sockets);
    await joinRoom(a.socket);
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '张三')).toBeTruthy();
    const lateToken = await t.partyToken(roomId, '某公司', 'respondent');

    // Another process takes the write lock and keeps it until told to let go.
    const locker: ChildProcess = spawn(
      process.execPath,
      ['-e', `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); console.log('locked'); process.stdin.once('data', () => { db.exec('COMMIT'); process.exit(0); });`, path.join(t.dataDir, 'yunting.sqlite3')],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => locker.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        locker.stdout!.once('data', () => resolve());
        locker.once('exit', (code) => reject(new Error(`locker exited ${code}`)));
      });

      const created = await fetch(`${t.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.staffToken}` },
        body: JSON.stringify({ title: '锁定测试', mode: 'face_to_face' }),
      });
      expect(created.status).toBe(503);
      expect(created.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await created.json()).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });

      const admitted = await request(host.socket, 'session:admit', { participantId: participantId(host, '张三') });
      expect(admitted).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE', retryable: true } });
      expect(host.state.latest!.participants.find((p) => p.name === '张三')).toMatchObject({ admitted: false });

      // A new party's join is logged first: refused now, and not half-present.
      const late = await participant(t.url, { token: lateToken }, sockets);
      const { routerRtpCapabilities } = await ok(late.socket, 'room:capabilities', {});
      expect(await request(late.socket, 'room:join', { rtpCapabilities: routerRtpCapabilities as never })).toMatchObject({
        ok: false,
        error: { code: 'STORE_UNAVAILABLE', retryable: true },
      });
      expect(host.state.latest!.participants.map((p) => p.name)).not.toContain('某公司');
      expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
      for (const socket of [host.socket, a.socket]) expect(socket.connected).toBe(true);

      // The pages' own request() sends a STORE_UNAVAILABLE request again after a pause: released meanwhile, it succeeds.
      const retried = clientRequest(host.socket as unknown as SignallingSocket, 'session:admit', { participantId: participantId(host, '张三') });
      await new Promise((resolve) => setTimeout(resolve, 1300));
      locker.stdin!.write('go\n');
      await exited;
      expect(await retried).toEqual({});
      await expect.poll(() => a.state.latest?.you.admitted).toBe(true);
      expect(await request(late.socket, 'room:join', { rtpCapabilities: routerRtpCapabilities as never })).toMatchObject({ ok: true });
      expect((await t.api('POST', '/api/rooms', { title: '锁定测试', mode: 'face_to_face' }, t.staffToken)).status).toBe(201);
    } finally {
      locker.kill('SIGKILL');
    }
  });
});
