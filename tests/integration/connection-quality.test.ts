/**
 * Connection quality through real signalling and a real mediasoup worker:
 * a participant's report is checked, rate-bounded, shown to the others and
 * the host, and every change is one `connection.quality` entry in the
 * session log; a dropped connection is "lost"; the periods come out of the
 * log as the manifest and the hearing record show them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../server/signalling/protocol.ts';
import { qualityPeriods } from '../../server/sessions/connectionQuality.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { autoAdmittingHost, connect, joinRoom, request, type ClientSocket } from '../helpers/signallingClient.ts';

let t: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ peerGraceSeconds: 30 });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const report = { level: 'poor' as const, lossPct: 12.5, rttMs: 310, freezeS: 1.2 };

describe('connection quality', () => {
  it('checks, bounds, shows and logs what a participant reports; a drop is lost', async () => {
    const room = await t.createRoom('网络质量', 'face_to_face');
    const host = await autoAdmittingHost(t.url, t.staffToken, room.id);
    sockets.push(host);
    const worker = await connect(t.url, { token: await t.partyToken(room.id, '张三', 'applicant') });
    sockets.push(worker);
    let hostView: SessionSnapshot | undefined;
    host.on('session:state', (snapshot) => (hostView = snapshot));
    const admitted = new Promise<void>((resolve) => worker.on('session:state', (s) => s.you.admitted && resolve()));
    await joinRoom(worker);
    await admitted;
    const zhang = () => hostView?.participants.find((p) => p.name === '张三');
    await expect.poll(() => zhang()?.quality).toBe('good');

    // Bad input changes nothing.
    for (const bad of [{ ...report, level: 'awful' }, { ...report, lossPct: 101 }, { ...report, extra: 1 }, {}]) {
      const answer = await request(worker, 'session:quality', bad as never);
      expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    await sleep(200);
    expect(zhang()?.quality).toBe('good');

    // A report counts; one right after it does not (at most one a second).
    expect(await request(worker, 'session:quality', report)).toEqual({ ok: true, data: { accepted: true } });
    expect(await request(worker, 'session:quality', { ...report, level: 'good' })).toEqual({ ok: true, data: { accepted: false } });
    await expect.poll(() => zhang()?.quality).toBe('poor');
    await sleep(1_050);
    expect(await request(worker, 'session:quality', { ...report, level: 'good', lossPct: 0 })).toEqual({ ok: true, data: { accepted: true } });
    await expect.poll(() => zhang()?.quality).toBe('good');

    // A dropped connection is lost until the participant is back.
    worker.disconnect();
    await expect.poll(() => zhang()?.quality).toBe('lost');

    const events = await t.server.db.selectFrom('session_events').select(['kind', 'detail', 'at']).where('room_id', '=', room.id).where('kind', '=', 'connection.quality').orderBy('at').execute();
    const details = events.map((e) => JSON.parse(e.detail) as { name: string; level: string; source: string; lossPct?: number });
    expect(details.map((d) => d.level)).toEqual(['poor', 'good', 'lost']);
    expect(details[0]).toMatchObject({ name: '张三', level: 'poor', source: 'client', lossPct: 12.5 });
    expect(details[2]).toMatchObject({ level: 'lost', source: 'connection' });

    const periods = qualityPeriods(events.map((e) => ({ kind: e.kind, at: e.at, detail: JSON.parse(e.detail) as Record<string, unknown> })), null);
    expect(periods.map((p) => [p.name, p.level, p.to === null])).toEqual([
      ['张三', 'poor', false],
      ['张三', 'lost', true],
    ]);
    expect(periods[0]!.seconds).toBeGreaterThanOrEqual(1);
  });
});

describe('quality periods from the session log', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 6, 0, s)).toISOString();
  it('pairs each poor or lost entry with the next change; leaving ends a period; others interleave', () => {
    const e = (s: number, kind: string, detail: Record<string, unknown>) => ({ kind, at: at(s), detail });
    const periods = qualityPeriods(
      [
        e(1, 'connection.quality', { name: 'A', role: 'applicant', level: 'poor' }),
        e(2, 'connection.quality', { name: 'B', role: 'respondent', level: 'lost' }),
        e(5, 'connection.quality', { name: 'A', role: 'applicant', level: 'lost' }),
        e(9, 'connection.quality', { name: 'A', role: 'applicant', level: 'good' }),
        e(12, 'participant.left', { name: 'B' }),
        e(20, 'connection.quality', { name: 'A', role: 'applicant', level: 'poor' }),
      ],
      at(30),
    );
    expect(periods.map((p) => [p.name, p.level, p.seconds])).toEqual([
      ['A', 'poor', 4],
      ['B', 'lost', 10],
      ['A', 'lost', 4],
      ['A', 'poor', 10],
    ]);
  });
});
