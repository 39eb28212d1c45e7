/**
 * Recording with real browsers: two phones talk for about ten seconds, then
 * per-track segments and the composed file exist, play, last as long as the
 * session, and match the manifest's hashes; a party cannot download them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { inboundStats, launchChromium, openPhone } from '../helpers/browser.ts';
import { autoAdmittingHost, type ClientSocket } from '../helpers/signallingClient.ts';
import { application, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { decodes, ffprobe } from '../helpers/ffprobe.ts';

let t: TestServer;
let browser: Browser;
const hosts: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ roomCloseDelayMs: 200 });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const host of hosts) host.close();
  await browser?.close();
  await t?.close();
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('recording a session', () => {
  it('produces hashed per-track segments and one composed file of the session’s length', async () => {
    const org = await seedOrganisation(t);
    const clerk = await seedStaff(t, org.id, 'clerk', 'clerk1');
    const mediator = await seedStaff(t, org.id, 'mediator', 'mediator1');
    const created = await submitApplication(t, application(org.id));
    const caseId = (await t.api<{ cases: { id: string }[] }>('GET', '/api/cases', undefined, clerk.token)).body.cases[0]!.id;
    await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
    await t.api('POST', `/api/cases/${caseId}/assign`, { userId: mediator.id }, clerk.token);
    const room = (await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'face_to_face', scheduledAt: new Date().toISOString() }, mediator.token)).body;
    expect(created.status).toBe(201);

    const worker = await t.invite(room.id, '张三', 'applicant');
    const employer = await t.invite(room.id, '某公司', 'respondent');
    const startedAt = Date.now();
    // The parties wait in the lobby, cameras on; the session (and its recording) opens when the mediator arrives.
    const a = await openPhone(browser, `${worker.url}&autojoin=1`);
    const b = await openPhone(browser, `${employer.url}&autojoin=1`);
    await expect.poll(() => t.server.liveRooms.get(room.id)?.peers.size ?? 0).toBe(2);
    await expect.poll(() => [...t.server.liveRooms.get(room.id)!.peers.values()].map((p) => p.producers.size)).toEqual([2, 2]);
    expect(await t.server.db.selectFrom('recordings').selectAll().where('room_id', '=', room.id).execute()).toEqual([]);
    const host = await autoAdmittingHost(t.url, mediator.token, room.id);
    hosts.push(host);
    await expect.poll(async () => (await inboundStats(a)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await inboundStats(b)).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(0);

    const recording = await t.server.db.selectFrom('recordings').selectAll().where('room_id', '=', room.id).executeTakeFirstOrThrow();
    // The two talk until the session has lasted ten seconds, then everyone leaves.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(recording.started_at) + 10_000 - Date.now())));
    await a.context().close();
    await b.context().close();
    host.close();
    await expect.poll(async () => (await t.server.db.selectFrom('recordings').select('status').where('id', '=', recording.id).executeTakeFirstOrThrow()).status, { timeout: 60_000, interval: 500 }).toBe('composed');
    expect(Date.now() - startedAt).toBeLessThan(120_000);

    const listed = await t.api<{ recordings: { id: string; status: string; parts: { kind: string; participant: string; segments: { id: string; sha256: string }[] }[]; manifestSha256: string }[] }>(
      'GET',
      `/api/cases/${caseId}/recordings`,
      undefined,
      clerk.token,
    );
    const entry = listed.body.recordings[0]!;
    // Both phones' microphones and cameras (the host sent nothing); a track may come in several parts.
    expect([...new Set(entry.parts.map((p) => `${p.participant}:${p.kind}`))].sort()).toEqual(['张三:audio', '张三:video', '某公司:audio', '某公司:video']);

    const saved = await t.server.db.selectFrom('recordings').selectAll().where('id', '=', recording.id).executeTakeFirstOrThrow();
    const recordingsDir = t.server.recordings['config'].recordingsDir as string;
    const manifestPath = path.join(recordingsDir, room.id, recording.id, 'manifest.json');
    const manifestText = readFileSync(manifestPath, 'utf8');
    expect(createHash('sha256').update(manifestText).digest('hex')).toBe(saved.manifest_sha256);
    const manifest = JSON.parse(manifestText) as {
      tracks: { kind: string; participant: string; segments: { file: string; sha256: string; bytes: number; durationSeconds: number }[] }[];
      composed: { file: string; sha256: string; durationSeconds: number };
      case: { serialNumber: string };
    };
    expect(manifest.case.serialNumber).toBe(created.body.serialNumber);
    for (const who of ['张三', '某公司']) {
      for (const kind of ['audio', 'video']) {
        const recorded = manifest.tracks
          .filter((track) => track.participant === who && track.kind === kind)
          .flatMap((track) => track.segments)
          .reduce((sum, segment) => sum + segment.durationSeconds, 0);
        // Each phone's tracks are in the recording (video starts at its first keyframe; a busy
        // machine makes that late, so the bar for video is lower than for audio).
        expect(recorded, `${who} ${kind}`).toBeGreaterThan(kind === 'audio' ? 4 : 1);
      }
    }
    for (const track of manifest.tracks) {
      for (const segment of track.segments) {
        const file = path.join(recordingsDir, segment.file);
        expect(sha256(file)).toBe(segment.sha256);
        const probe = ffprobe(file);
        expect(probe.streams.map((s) => s.codec_type)).toEqual([track.kind]);
        decodes(file);
      }
    }

    const composed = path.join(recordingsDir, manifest.composed.file);
    expect(sha256(composed)).toBe(manifest.composed.sha256);
    const probe = ffprobe(composed);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    expect(Number(video.duration)).toBeGreaterThan(8.5);
    expect(Number(video.duration)).toBeLessThan(11.5);
    expect(Number(audio.duration)).toBeGreaterThan(8.5);
    expect(Number(audio.duration)).toBeLessThan(11.5);
    expect(probe.chapters?.length).toBeGreaterThan(0);

    // Staff download with ranges; a party's token is refused.
    const ranged = await fetch(`${t.url}/api/recordings/${recording.id}/composed.mp4`, { headers: { authorization: `Bearer ${clerk.token}`, range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    const partyToken = await t.partyToken(room.id, '张三', 'applicant');
    for (const url of [`/api/recordings/${recording.id}/composed.mp4`, `/api/recordings/${recording.id}/manifest.json`, `/api/cases/${caseId}/recordings`]) {
      const refused = await fetch(t.url + url, { headers: { authorization: `Bearer ${partyToken}` } });
      expect(refused.status, url).toBe(401);
    }
    const segment = entry.parts[0]!.segments[0]!;
    const single = await fetch(`${t.url}/api/recordings/${recording.id}/segments/${segment.id}`, { headers: { authorization: `Bearer ${clerk.token}` } });
    expect(createHash('sha256').update(Buffer.from(await single.arrayBuffer())).digest('hex')).toBe(segment.sha256);
    expect(existsSync(composed)).toBe(true);
  });
});
