/**
 * A session command is logged before it changes anything: when the append
 * fails (a trigger the test puts on the event table raises for chosen event
 * kinds), memory, every client and the state a restarted server replays all
 * agree that the command did not happen. Two hosts' racing commands apply
 * in the order of the log.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { joinRoom, ok, request, type ClientSocket } from '../helpers/signallingClient.ts';
import { admitAll, caseSession, participant, participantId, produceBoth, seedHosts } from '../helpers/liveCase.ts';
import { storesUnderTest } from '../helpers/stores.ts';

describe.each(storesUnderTest)('session log first, on $name', (store) => {
  let t: TestServer;
  let hosts: Awaited<ReturnType<typeof seedHosts>>;
  let databaseUrl: string | undefined;
  let cleanupStore: (() => Promise<void>) | undefined;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    const opened = await store.open();
    await opened.db.destroy();
    databaseUrl = opened.databaseUrl;
    cleanupStore = opened.cleanup;
    t = await startTestServer({ keepData: true, databaseUrl });
    hosts = await seedHosts(t);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
    await cleanupStore?.().catch(() => undefined);
  });

  /** Makes every append of these event kinds fail inside the store, until the returned function is called. */
  async function failAppends(kinds: string[]): Promise<() => Promise<void>> {
    const list = kinds.map((k) => `'${k}'`).join(', ');
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`CREATE FUNCTION yt_injected_fault() RETURNS trigger AS $$
        BEGIN IF NEW.kind IN (${list}) THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await client.query(`CREATE TRIGGER yt_injected_fault BEFORE INSERT ON session_events FOR EACH ROW EXECUTE FUNCTION yt_injected_fault()`);
      return async () => {
        await client.query('DROP TRIGGER yt_injected_fault ON session_events');
        await client.query('DROP FUNCTION yt_injected_fault()');
        await client.end();
      };
    }
    const file = new Database(path.join(t.dataDir, 'yunting.sqlite3'));
    file.exec(`CREATE TRIGGER yt_injected_fault BEFORE INSERT ON session_events WHEN NEW.kind IN (${list}) BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    return async () => {
      file.exec('DROP TRIGGER yt_injected_fault');
      file.close();
    };
  }

  const consumersOf = (roomId: string, name: string) =>
    [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === name)!.consumers.size;

  it('a command whose event cannot be logged changes nothing, for the server, the clients and after a restart', async () => {
    const { roomId } = await caseSession(t, hosts.orgId, hosts.clerk, hosts.mediator, 'back_to_back');
    const host = await participant(t.url, { token: hosts.mediator.token, roomId }, sockets);
    await joinRoom(host.socket);
    const tokens = {
      a: await t.partyToken(roomId, '张三', 'applicant'),
      b: await t.partyToken(roomId, '某公司', 'respondent'),
      c: await t.partyToken(roomId, '钱专家', 'expert'),
    };
    const a = await participant(t.url, { token: tokens.a }, sockets);
    const b = await participant(t.url, { token: tokens.b }, sockets);
    const c = await participant(t.url, { token: tokens.c }, sockets);
    for (const p of [a, b, c]) await joinRoom(p.socket);
    await admitAll(host, ['张三', '某公司']);
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '钱专家')).toBeTruthy();
    const pa = await produceBoth(a.socket);
    await produceBoth(b.socket);
    for (const producerId of [pa.mic, pa.camera]) await ok(b.socket, 'consumer:create', { producerId });

    const restore = await failAppends(['private.started', 'participant.removed', 'participant.admitted', 'floor.muted']);
    let failed: Awaited<ReturnType<typeof request>>[] = [];
    try {
      failed = [
        await request(host.socket, 'session:private', { side: 'applicant' }),
        await request(host.socket, 'session:remove', { participantId: participantId(host, '某公司') }),
        await request(host.socket, 'session:admit', { participantId: participantId(host, '钱专家') }),
        await request(host.socket, 'session:mute', { participantId: participantId(host, '张三') }),
      ];
      for (const answer of failed) expect(answer.ok).toBe(false);
      // An unaffected command goes through and pushes fresh state to everyone.
      await ok(host.socket, 'session:verify', { participantId: participantId(host, '钱专家') });
    } finally {
      await restore();
    }

    const session = await t.server.sessions.get(roomId);
    expect(session.confidentiality()).toBeNull();
    expect(consumersOf(roomId, '某公司')).toBe(2);
    const mic = [...t.server.liveRooms.get(roomId)!.peers.values()].find((p) => p.displayName === '张三')!.producers.get(pa.mic)!;
    expect(mic.paused).toBe(false);
    expect(b.socket.connected).toBe(true);
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === '钱专家')?.verified).toBe(true);
    const seen = host.state.latest!;
    expect(seen.privateTalk).toBeNull();
    expect(seen.participants.find((p) => p.name === '某公司')).toMatchObject({ admitted: true, presence: 'online' });
    expect(seen.participants.find((p) => p.name === '钱专家')).toMatchObject({ admitted: false });
    expect(seen.participants.find((p) => p.name === '张三')).toMatchObject({ mutedByHost: false });
    expect(b.state.latest!.privateTalk).toBeNull();
    expect(c.state.latest!.you.admitted).toBe(false);
    const logged = await t.server.db.selectFrom('session_events').select('kind').where('room_id', '=', roomId).execute();
    expect(logged.map((e) => e.kind)).not.toEqual(expect.arrayContaining(['private.started']));
    expect(logged.map((e) => e.kind).filter((k) => ['participant.removed', 'floor.muted'].includes(k))).toEqual([]);
    for (const answer of failed) expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/nothing changed/) } });

    // The restarted server replays the same: no talk, nobody removed, muted or let in.
    for (const socket of sockets.splice(0)) socket.close();
    await t.close();
    t = await startTestServer({ dataDir: t.dataDir, keepData: true, databaseUrl });
    const back = await participant(t.url, { token: hosts.mediator.token, roomId }, sockets);
    await joinRoom(back.socket);
    const respondent = await participant(t.url, { token: tokens.b }, sockets);
    await joinRoom(respondent.socket);
    await expect.poll(() => respondent.state.latest?.you).toMatchObject({ admitted: true });
    await expect.poll(() => back.state.latest?.participants.find((p) => p.name === '某公司')?.presence).toBe('online');
    const replayed = back.state.latest!;
    expect(replayed.privateTalk).toBeNull();
    expect(replayed.participants.find((p) => p.name === '钱专家')).toMatchObject({ admitted: false, verified: true });
    expect(replayed.participants.find((p) => p.name === '张三')).toMatchObject({ admitted: true, mutedByHost: false });
  });

  it('applies two hosts’ racing commands in the order of the log', async () => {
    const { roomId } = await caseSession(t, hosts.orgId, hosts.clerk, hosts.mediator, 'back_to_back');
    const first = await participant(t.url, { token: hosts.mediator.token, roomId }, sockets);
    const second = await participant(t.url, { token: hosts.orgAdmin.token, roomId }, sockets);
    await joinRoom(first.socket);
    await joinRoom(second.socket);
    const sides = ['applicant', 'respondent', null] as const;
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all([
        request(first.socket, 'session:private', { side: sides[round % 3]! }),
        request(second.socket, 'session:private', { side: sides[(round + 1) % 3]! }),
      ]);
      for (const answer of answers) expect(answer).toMatchObject({ ok: true });
    }
    // Replaying the log walks a valid sequence and ends where memory is.
    const events = await t.server.db.selectFrom('session_events').selectAll().where('room_id', '=', roomId).orderBy('at').orderBy('id').execute();
    let talk: string | null = null;
    const invalid: string[] = [];
    for (const event of events) {
      const side = (JSON.parse(event.detail) as { side?: string }).side ?? null;
      if (event.kind === 'private.started') {
        if (talk !== null) invalid.push(`started ${side} during ${talk}`);
        talk = side;
      } else if (event.kind === 'private.ended') {
        if (talk !== side) invalid.push(`ended ${side} during ${talk}`);
        talk = null;
      }
    }
    expect(invalid).toEqual([]);
    expect((await t.server.sessions.get(roomId)).confidentiality()).toBe(talk);
    await expect.poll(() => first.state.latest?.privateTalk?.side ?? null).toBe(talk);
  });
});
