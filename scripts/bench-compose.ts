/**
 * bench:compose — composition speed and memory. Synthesises a 4-party
 * back-to-back session of the given length as the recorder leaves it: for
 * each producer, Matroska segments of RECORDING_SEGMENT_SECONDS (VP8 640×360
 * at 25 fps and Opus, as ffmpeg's segment muxer writes them with the
 * recorder's options: reset timestamps, one-second clusters), one part per
 * producer lifetime and per private-talk stretch (two private talks, so every
 * track is cut four times), and one party reconnecting (its parts end, new
 * ones begin five seconds later), with the matching recording, part, segment
 * and session-event rows. Then composes it with the server's own Composer and
 * measures the wall time and the peak resident memory of the compose ffmpeg.
 * One segment of each kind is encoded and every segment file is a copy of it:
 * the composer decodes every one of them all the same.
 * Bounded: 1–30 minutes. Last line `compose_x_realtime=<x> compose_peak_mb=<n>`.
 * Usage: npm run bench:compose -- [minutes]   (default 10)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Composer } from '../server/recording/composer.ts';
import { resolveFfmpeg } from '../server/recording/ffmpegBinary.ts';
import { openDatabase } from '../server/store/database.ts';

const minutes = Math.min(30, Math.max(1, Number(process.argv[2] ?? 10)));
const durationS = minutes * 60;
const SEGMENT_S = 10;
const ffmpeg = resolveFfmpeg(process.env.FFMPEG_BIN).path;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-bench-compose-'));
const recordingsDir = path.join(dataDir, 'recordings');

/** The recorder's segment muxer options (server/recording/ffmpegArgs.ts captureArgs), here fed by lavfi. */
function encodeSegment(kind: 'audio' | 'video', file: string): void {
  const source =
    kind === 'video'
      ? ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${SEGMENT_S}`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k', '-g', '50']
      : ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SEGMENT_S}`, '-c:a', 'libopus', '-b:a', '32k'];
  execFileSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y', ...source,
    '-f', 'segment', '-segment_time', String(SEGMENT_S + 1), '-segment_format', 'matroska',
    '-segment_format_options', 'cluster_time_limit=1000:flush_packets=1', '-reset_timestamps', '1', file,
  ]);
}

/** Peak RSS (MB) of `pid` and its descendants, sampled from /proc until stopped. */
function watchPeak(isTarget: (cmdline: string) => boolean) {
  let peakKb = 0;
  let cpuTicks = 0;
  const timer = setInterval(() => {
    const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    const parents = new Map<string, string>();
    const roots: string[] = [];
    for (const pid of all) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        parents.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!);
        if (parents.get(pid) === String(process.pid) && isTarget(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) roots.push(pid);
      } catch {
        /* gone */
      }
    }
    const tree = new Set(roots);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of parents) if (!tree.has(pid) && tree.has(ppid)) (tree.add(pid), (grew = true));
    }
    let rssKb = 0;
    let ticks = 0;
    for (const pid of tree) {
      try {
        rssKb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        /* gone */
      }
    }
    peakKb = Math.max(peakKb, rssKb);
    if (tree.size) cpuTicks = Math.max(cpuTicks, ticks);
  }, 100);
  return { stop: () => (clearInterval(timer), { peakMb: peakKb / 1024, cpuSeconds: cpuTicks / 100 }) };
}

const db = await openDatabase({ dataDir });
try {
  const sample = { video: path.join(dataDir, 'sample-video-%d.mkv'), audio: path.join(dataDir, 'sample-audio-%d.mkv') };
  encodeSegment('video', sample.video);
  encodeSegment('audio', sample.audio);
  const sampleFile = (kind: 'audio' | 'video') => sample[kind].replace('%d', '0');

  const started = new Date(Date.UTC(2026, 0, 5, 1, 0, 0));
  const at = (s: number) => new Date(started.getTime() + s * 1000).toISOString();
  const userId = randomUUID();
  const roomId = randomUUID();
  const recordingId = randomUUID();
  await db.insertInto('users').values({ id: userId, username: 'bench', password_hash: '-', role: 'mediator', display_name: '李调解员', created_at: at(0), organisation_id: null }).execute();
  await db.insertInto('rooms').values({ id: roomId, title: '劳动争议调解（基准）', mode: 'back_to_back', created_by: userId, created_at: at(0) }).execute();
  await db.insertInto('recordings').values({ id: recordingId, room_id: roomId, case_id: null, status: 'ended', started_at: at(0), ended_at: at(durationS), error: null } as never).execute();

  // Private talks: the applicant side from 30 % to 45 %, the respondent side from 45 % to 60 % (segment-aligned).
  const align = (fraction: number) => Math.round((durationS * fraction) / SEGMENT_S) * SEGMENT_S;
  const cuts = [0, align(0.3), align(0.45), align(0.6), durationS];
  const confidentiality = [null, 'applicant', 'respondent', null];
  const events: { kind: string; side?: string; s: number }[] = [
    { kind: 'private.started', side: 'applicant', s: cuts[1]! },
    { kind: 'private.ended', s: cuts[2]! },
    { kind: 'private.started', side: 'respondent', s: cuts[2]! },
    { kind: 'private.ended', s: cuts[3]! },
  ];
  for (const event of events) {
    await db.insertInto('session_events').values({
      id: randomUUID(), room_id: roomId, case_id: null, kind: event.kind, subject: null, actor_name: '李调解员',
      detail: JSON.stringify(event.side ? { side: event.side } : {}), at: at(event.s),
    }).execute();
  }
  const parties = [
    { name: '李调解员', role: 'host' },
    { name: '张三', role: 'applicant' },
    { name: '李律师', role: 'applicant_agent' },
    { name: '王经理', role: 'respondent' },
  ];
  // The respondent reconnects in the last stretch: its producers close, new ones start 5 s later.
  const reconnectAt = align(0.8);
  let segmentsWritten = 0;
  let bytes = 0;
  const addPart = async (party: (typeof parties)[number], kind: 'audio' | 'video', from: number, to: number, confidential: string | null) => {
    const partId = randomUUID();
    const relative = path.join(roomId, recordingId, partId);
    mkdirSync(path.join(recordingsDir, relative), { recursive: true });
    await db.insertInto('recording_parts').values({
      id: partId, recording_id: recordingId, producer_id: randomUUID(), participant_name: party.name, participant_role: party.role,
      source: kind === 'video' ? 'camera' : 'mic', kind, codec: kind === 'video' ? 'video/VP8' : 'audio/opus', confidential,
      started_at: at(from), ended_at: at(to),
    } as never).execute();
    for (let sequence = 0, s = from; s < to; sequence++, s += SEGMENT_S) {
      const file = path.join(relative, `seg-${String(sequence).padStart(5, '0')}.mkv`);
      copyFileSync(sampleFile(kind), path.join(recordingsDir, file));
      const size = statSync(path.join(recordingsDir, file)).size;
      bytes += size;
      segmentsWritten++;
      await db.insertInto('recording_segments').values({
        id: randomUUID(), part_id: partId, file, sequence, start_s: s - from, duration_s: Math.min(SEGMENT_S, to - s), bytes: size, sha256: '0'.repeat(64), created_at: at(s + SEGMENT_S),
      } as never).execute();
    }
  };
  let parts = 0;
  for (const party of parties) {
    for (const kind of ['audio', 'video'] as const) {
      for (let i = 0; i < 4; i++) {
        const from = cuts[i]!;
        const to = cuts[i + 1]!;
        if (party.role === 'respondent' && from <= reconnectAt && reconnectAt < to) {
          await addPart(party, kind, from, reconnectAt, confidentiality[i]!);
          await addPart(party, kind, reconnectAt + 5, to, confidentiality[i]!);
          parts += 2;
        } else {
          await addPart(party, kind, from, to, confidentiality[i]!);
          parts++;
        }
      }
    }
  }
  console.log(`synthesised ${minutes} min: ${parties.length} parties, ${parts} parts, ${segmentsWritten} segments, ${(bytes / 1048576).toFixed(1)} MiB`);

  const composer = new Composer({ db, recordingsDir, ffmpegPath: ffmpeg, log: pino({ level: 'warn' }) });
  const watch = watchPeak((cmdline) => cmdline.includes('ffmpeg') || cmdline.startsWith('nice'));
  const t0 = performance.now();
  await composer.enqueue(recordingId);
  const wallS = (performance.now() - t0) / 1000;
  const { peakMb, cpuSeconds } = watch.stop();
  const row = await db.selectFrom('recordings').select(['status', 'composed_duration_s', 'error']).where('id', '=', recordingId).executeTakeFirstOrThrow();
  if (row.status !== 'composed') throw new Error(`composition ${row.status}: ${row.error ?? ''}`);
  const probed = execFileSync('ffprobe', [
    '-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(recordingsDir, roomId, recordingId, 'composed.mp4'),
  ]).toString().trim();
  console.log(`composed ${Number(probed).toFixed(1)} s in ${wallS.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} CPU-s (nice 19; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`);
  console.log(`compose_cpu_x_realtime_2cores=${(durationS / (cpuSeconds / 2)).toFixed(2)}`);
  console.log(`compose_x_realtime=${(durationS / wallS).toFixed(2)} compose_peak_mb=${Math.round(peakMb)}`);
} finally {
  await db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
