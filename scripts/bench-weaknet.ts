/**
 * Weak-network benchmark (issue 16): two Chromium phones (640×480 camera) in
 * one room, all traffic to the server's HTTP and WebRTC ports impaired on
 * loopback by scripts/netimpair (per pass: loss, delay ± jitter; a phone's
 * round trip is two passes). For each network, 20 s measured after the
 * link settles: audio concealed %, FEC packets, received resolution and
 * frame rate, freezes (no new frame ≥ 0.6 s) and the longest, per
 * direction. Then a 5 s and a 15 s blackout inside a 20 s window, and a
 * third phone joining on the 20 % network (tap → lobby, tap → first audio
 * and first frame). The fake microphones play a speech-like signal
 * (tests/helpers/speechWav.ts), not Chromium's beep.
 * Bounded: stops after 10 minutes. Needs root in a loopback-only namespace
 * (npm run bench:weaknet does that). Last line:
 * `concealed_pct_10=<x> max_freeze_s_10=<x> width_clean=<n> join_media_ms_20=<n>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { chromiumArgs, phoneViewport } from '../tests/helpers/browser.ts';
import { writeSpeechWav } from '../tests/helpers/speechWav.ts';
import { readProbe, startProbe, type DirectionStats } from '../tests/helpers/mediaProbe.ts';
import { blackout, clean, NetImpair, weakNetworks, type NetProfile } from '../tests/helpers/netImpair.ts';
import { autoAdmittingHost } from '../tests/helpers/signallingClient.ts';

const MEASURE_S = Number(process.env.WEAKNET_MEASURE_S ?? 20);
const SETTLE_S = Number(process.env.WEAKNET_SETTLE_S ?? 8);
const hardStop = setTimeout(() => {
  console.error('bench:weaknet: 10 minute bound reached');
  process.exit(1);
}, 600_000);
hardStop.unref();

/** An Android phone's user agent, so the page takes its phone paths (640×480 camera). */
const phoneUserAgent =
  'Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rtcPort = 47000;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-weaknet-'));
const server = await buildServer(testConfig({ dataDir, adminPassword: 'bench-password', media: { rtcPort, workers: 1 } }));
const url = await server.listen();
const httpPort = Number(new URL(url).port);
const impair = await NetImpair.start([httpPort, rtcPort]);
// The phones "speak" (a speech-like signal) rather than beep: Opus codes a beep as music, without FEC.
const speech = path.join(dataDir, 'speech.wav');
writeSpeechWav(speech);
const browser: Browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: [...chromiumArgs, `--use-file-for-fake-audio-capture=${speech}`],
});

async function openPhone(link: string): Promise<{ page: Page; tapped: number }> {
  const context = await browser.newContext({ viewport: phoneViewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: phoneUserAgent });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(`${link}&autojoin=1`);
  await page.waitForSelector('body[data-state="joining"], body[data-state="joined"]', { timeout: 60_000 });
  return { page, tapped: Date.now() };
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await fn().catch(() => false)) return Date.now();
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const framesFrom = (page: Page) =>
  page.evaluate(async () => {
    const s = (window as unknown as { __yunting?: { recvTransport?: { getStats(): Promise<RTCStatsReport> } } }).__yunting;
    let frames = 0;
    let audio = 0;
    (await s?.recvTransport?.getStats())?.forEach((x: Record<string, unknown>) => {
      if (x.type !== 'inbound-rtp') return;
      if (x.kind === 'video') frames += Number(x.framesDecoded ?? 0);
      else audio += Number(x.packetsReceived ?? 0);
    });
    return { frames, audio };
  });

interface Row {
  network: string;
  direction: string;
  stats: DirectionStats;
}
const rows: Row[] = [];

async function measure(network: string, phones: { name: string; page: Page; peerId: string }[], during?: () => Promise<void>): Promise<Row[]> {
  await Promise.all(phones.map((p) => startProbe(p.page)));
  if (during) await during();
  else await sleep(MEASURE_S * 1000);
  const measured: Row[] = [];
  for (const receiver of phones) {
    for (const stats of await readProbe(receiver.page)) {
      // The other phone (the host sends no media); after a rejoin it has a new peer id.
      const sender = phones.find((p) => p !== receiver);
      if (!sender) continue;
      measured.push({ network, direction: `${sender.name}→${receiver.name}`, stats });
    }
  }
  rows.push(...measured);
  for (const row of measured) console.log(formatRow(row));
  return measured;
}

function formatRow({ network, direction, stats: s }: Row): string {
  return `| ${network} | ${direction} | ${s.audioConcealedPct.toFixed(1)} % (FEC ${s.audioFecPackets}, lost ${s.audioPacketsLost}/${s.audioPacketsLost + s.audioPacketsReceived}) | ${s.audioOnly ? 'audio only (by itself)' : `${s.width}×${s.height}, ${s.fps.toFixed(1)} fps`} | ${s.freezes} (${s.frozenS.toFixed(1)} s) | ${s.maxFreezeS.toFixed(1)} s |`;
}

async function setNetwork(profile: NetProfile): Promise<void> {
  await impair.set(profile);
}

let exitCode = 0;
try {
  const login = await server.auth.login('admin', 'bench-password');
  const staff = await server.auth.verifyStaff(login.token);
  const room = await server.rooms.create(staff, { title: 'weaknet', mode: 'face_to_face' });
  let host = await autoAdmittingHost(url, login.token, room.id);
  const issue = (name: string, role: 'applicant' | 'respondent' | 'applicant_agent') =>
    server.invitations.issue(staff, { roomId: room.id, displayName: name, role }, { ip: '127.0.0.1' });
  const [inviteA, inviteB] = await Promise.all([issue('phone A', 'applicant'), issue('phone B', 'respondent')]);
  const a = await openPhone(inviteA.url);
  const b = await openPhone(inviteB.url);
  const flowing = async (page: Page) => (await framesFrom(page)).frames > 10;
  await until('media on both phones', async () => (await flowing(a.page)) && (await flowing(b.page)), 60_000);
  const peerIdOf = (page: Page) => page.evaluate(() => (window as unknown as { __yunting: { peerId: string } }).__yunting.peerId);
  const phones = [
    { name: 'A', page: a.page, peerId: await peerIdOf(a.page) },
    { name: 'B', page: b.page, peerId: await peerIdOf(b.page) },
  ];

  console.log(`phones: 640×480 fake camera; ${MEASURE_S} s measured after ${SETTLE_S} s settling; profile per pass (RTT = 2 × delay)`);
  console.log('| network | direction | audio concealed | video received | freezes (frozen) | max freeze |');
  console.log('|---|---|---|---|---|---|');
  const summary: Record<string, number> = {};
  for (const { name, profile } of weakNetworks) {
    await setNetwork(profile);
    await sleep(SETTLE_S * 1000);
    const measured = await measure(name, phones);
    const key = String(Math.round(profile.loss * 100));
    summary[`concealed_${key}`] = Math.max(...measured.map((r) => r.stats.audioConcealedPct));
    summary[`max_freeze_${key}`] = Math.max(...measured.map((r) => r.stats.maxFreezeS));
    summary[`width_${key}`] = Math.min(...measured.map((r) => r.stats.width));
  }

  // A phone that turned audio-only by itself on the worst network: its user taps "turn video back on".
  const autoAudioOnly = await Promise.all(phones.map((p) => p.page.evaluate(() => (window as unknown as { __yunting: { session: { local: { autoAudioOnly: boolean } } } }).__yunting.session.local.autoAudioOnly)));
  console.log(`audio only by itself after the 20 % network: A ${autoAudioOnly[0]}, B ${autoAudioOnly[1]}`);
  await setNetwork(clean);
  await Promise.all(phones.map((p) => p.page.evaluate(() => (window as unknown as { __yunting: { session: { setAudioOnly(on: boolean): Promise<void> } } }).__yunting.session.setAudioOnly(false))));

  for (const seconds of [5, 15]) {
    await setNetwork(clean);
    await sleep(SETTLE_S * 1000);
    let recoveredMs = -1;
    await measure(`${seconds} s blackout`, phones, async () => {
      await sleep(2_000);
      await setNetwork(blackout);
      await sleep(seconds * 1000);
      await setNetwork(clean);
      const restored = Date.now();
      const before = await Promise.all(phones.map((p) => framesFrom(p.page)));
      const back = await until(
        'video after the blackout',
        // A rejoin (after a long blackout) starts a new receive transport, whose counters start at 0.
        async () =>
          (await Promise.all(phones.map((p) => framesFrom(p.page)))).every((now, i) => now.frames > before[i]!.frames + 3 || (now.frames < before[i]!.frames && now.frames > 3)),
        30_000,
      ).catch(() => -1);
      recoveredMs = back > 0 ? back - restored : -1;
      const left = MEASURE_S * 1000 - 2_000 - seconds * 1000 - (Date.now() - restored);
      if (left > 0) await sleep(left);
    });
    console.log(`${seconds} s blackout: video flowing both ways again ${recoveredMs} ms after the link came back`);
    summary[`recover_ms_${seconds}`] = recoveredMs;
  }

  // A third phone taps "join" on the 20 % network (the mediator, whose connection the blackouts cut, is back).
  host.close();
  host = await autoAdmittingHost(url, login.token, room.id);
  await setNetwork(weakNetworks[3]!.profile);
  const inviteC = await issue('phone C', 'applicant_agent');
  const c = await openPhone(inviteC.url);
  const lobbyAt = await until(
    'the lobby on the 20 % network',
    () => c.page.evaluate(() => Boolean((window as unknown as { __yunting?: { snapshot?: unknown } }).__yunting?.snapshot)),
    60_000,
  );
  const audioAt = await until('audio on the 20 % network', async () => (await framesFrom(c.page)).audio > 0, 60_000);
  // Video, unless the page judged the link too weak for it and turned audio-only by itself.
  const videoAt = await until(
    'video (or audio only) on the 20 % network',
    async () =>
      (await framesFrom(c.page)).frames > 0 ||
      (await c.page.evaluate(() => (window as unknown as { __yunting: { session: { local: { autoAudioOnly: boolean } } } }).__yunting.session.local.autoAudioOnly)),
    30_000,
  ).catch(() => -1);
  const videoText = videoAt < 0 ? 'no video within 30 s' : (await framesFrom(c.page)).frames > 0 ? `first video frame ${videoAt - c.tapped} ms` : `audio only by itself at ${videoAt - c.tapped} ms`;
  console.log(`join on the 20 % network: lobby ${lobbyAt - c.tapped} ms, first audio ${audioAt - c.tapped} ms, ${videoText} after the tap`);
  const mediaAt = audioAt;
  await setNetwork(clean);
  host.close();

  console.log(
    `concealed_pct_10=${summary.concealed_10!.toFixed(1)} max_freeze_s_10=${summary.max_freeze_10!.toFixed(1)} width_clean=${summary.width_0} join_media_ms_20=${mediaAt - c.tapped}`,
  );
} catch (error) {
  console.error('bench:weaknet failed:', error);
  exitCode = 1;
} finally {
  impair.stop();
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  clearTimeout(hardStop);
}
process.exit(exitCode);
