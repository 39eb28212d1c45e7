/**
 * After a session: one playable file (videos in a grid, audio mixed, each
 * hearing phase and private talk a named chapter) and the manifest that
 * lists every segment with its hash. One job at a time, at the lowest CPU
 * priority, so live sessions do not suffer.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.ts';
import { recordAudit } from '../audit/auditLog.ts';
import { chaptersFile, composeArgs, type ComposeInput } from './ffmpegArgs.ts';
import { sha256File } from './trackRecorder.ts';
import { hearingPhases, type HearingPhase } from '../signalling/protocol.ts';
import { qualityPeriods } from '../sessions/connectionQuality.ts';

export const phaseTitles: Record<HearingPhase, string> = {
  opening: '开庭及身份核对',
  notice: '程序告知与权利义务',
  claims_defence: '申诉答辩',
  investigation: '庭审调查',
  debate: '庭审辩论',
  mediation: '当庭调解',
  final_statements: '最后陈述',
  closing: '闭庭',
};
const sideTitles: Record<string, string> = { applicant: '申请人方', respondent: '被申请人方' };

export interface ComposerDeps {
  db: Db;
  recordingsDir: string;
  ffmpegPath: string;
  log: FastifyBaseLogger;
}

interface Chapter {
  title: string;
  startMs: number;
  endMs: number;
  confidential: boolean;
}

/** Flat, non-overlapping chapters from the session's phase changes and private talks. */
export function chaptersFrom(
  events: { kind: string; detail: Record<string, string>; atMs: number }[],
  durationMs: number,
  mode: string,
): Chapter[] {
  const boundaries = new Set<number>([0]);
  for (const event of events) if (event.atMs > 0 && event.atMs < durationMs) boundaries.add(event.atMs);
  const sorted = [...boundaries].sort((a, b) => a - b);
  const chapters: Chapter[] = [];
  for (const [i, start] of sorted.entries()) {
    const end = sorted[i + 1] ?? durationMs;
    let phase: string | undefined;
    let talk: string | null = null;
    for (const event of events) {
      if (event.atMs > start) break;
      if (event.kind === 'phase.changed') phase = event.detail.phase;
      if (event.kind === 'private.started') talk = event.detail.side ?? null;
      if (event.kind === 'private.ended') talk = null;
    }
    const base = phase && hearingPhases.includes(phase as HearingPhase) ? phaseTitles[phase as HearingPhase] : mode === 'hearing' ? '庭前' : '联合调解';
    const title = talk ? `${base} · 背对背（与${sideTitles[talk] ?? talk}单独沟通）` : base;
    const previous = chapters.at(-1);
    if (previous && previous.title === title) previous.endMs = end;
    else if (end > start) chapters.push({ title, startMs: start, endMs: end, confidential: talk !== null });
  }
  return chapters;
}

export class Composer {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private running: ReturnType<typeof spawn> | undefined;

  constructor(private readonly deps: ComposerDeps) {}

  enqueue(recordingId: string): Promise<void> {
    this.queue = this.queue.then(() => this.compose(recordingId)).catch((error: unknown) => this.deps.log.error({ err: error, recordingId }, 'composition failed'));
    return this.queue;
  }

  /** Waits for every queued job (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** On shutdown: no new job starts and the running one is abandoned; the next start composes them again. */
  stop(): void {
    this.stopped = true;
    this.running?.kill('SIGKILL');
  }

  private async compose(recordingId: string): Promise<void> {
    if (this.stopped) return;
    const { db, recordingsDir, log } = this.deps;
    const recording = await db.selectFrom('recordings').selectAll().where('id', '=', recordingId).executeTakeFirstOrThrow();
    const room = await db.selectFrom('rooms').selectAll().where('id', '=', recording.room_id).executeTakeFirstOrThrow();
    const serial = room.case_id
      ? (await db.selectFrom('cases').select('serial_number').where('id', '=', room.case_id).executeTakeFirst())?.serial_number
      : undefined;
    const parts = await db.selectFrom('recording_parts').selectAll().where('recording_id', '=', recordingId).orderBy('started_at').execute();
    const segments = await db
      .selectFrom('recording_segments')
      .selectAll()
      .where('part_id', 'in', parts.length ? parts.map((p) => p.id) : [''])
      .orderBy('part_id')
      .orderBy('sequence')
      .execute();
    const startMs = Date.parse(recording.started_at);
    const endMs = Date.parse(recording.ended_at ?? new Date().toISOString());
    const durationSeconds = Math.max(0.5, (endMs - startMs) / 1000);
    const directory = path.join(recordingsDir, recording.room_id, recordingId);
    await mkdir(directory, { recursive: true });
    await db.updateTable('recordings').set({ status: 'composing', compose_progress: 0, error: null }).where('id', '=', recordingId).execute();

    try {
      // One grid cell per participant's camera or screen, whatever number of parts it was cut into.
      const cells = new Map<string, number>();
      const inputs: ComposeInput[] = [];
      for (const part of parts) {
        // A segment cut before it held a frame (a part that lasted a blink) has nothing to compose.
        const own = segments.filter((s) => s.part_id === part.id && s.duration_s > 0.05);
        if (own.length === 0) continue;
        const concatFile = path.join(directory, `${part.id}.concat.txt`);
        await writeFile(concatFile, own.map((s) => `file '${path.join(recordingsDir, s.file).replaceAll("'", "'\\''")}'`).join('\n') + '\n');
        const offsetSeconds = Math.max(0, (Date.parse(part.started_at) - startMs) / 1000);
        if (part.kind === 'video') {
          const key = `${part.participant_name}|${part.participant_role}|${part.source}`;
          if (!cells.has(key)) cells.set(key, cells.size);
          inputs.push({ concatFile, kind: 'video', offsetSeconds, cell: cells.get(key)! });
        } else {
          inputs.push({ concatFile, kind: 'audio', offsetSeconds });
        }
      }
      const events = await db
        .selectFrom('session_events')
        .select(['kind', 'detail', 'at', 'actor_name'])
        .where('room_id', '=', recording.room_id)
        .where('kind', 'in', ['phase.changed', 'private.started', 'private.ended'])
        .orderBy('at')
        .execute();
      // Poor or lost connections: whether a party could hear what was said (the manifest says when and who).
      const linkEvents = await db
        .selectFrom('session_events')
        .select(['kind', 'detail', 'at'])
        .where('room_id', '=', recording.room_id)
        .where('kind', 'in', ['connection.quality', 'participant.left'])
        .orderBy('at')
        .execute();
      const connectionQuality = qualityPeriods(linkEvents.map((e) => ({ kind: e.kind, at: e.at, detail: JSON.parse(e.detail) as Record<string, unknown> })), recording.ended_at);
      const timed = events.map((e) => ({ kind: e.kind, detail: JSON.parse(e.detail) as Record<string, string>, atMs: Date.parse(e.at) - startMs, at: e.at, by: e.actor_name }));
      const chapters = chaptersFrom(timed, durationSeconds * 1000, room.mode);
      const chaptersPath = path.join(directory, 'chapters.txt');
      await writeFile(chaptersPath, chaptersFile(`${serial ?? ''} ${room.title}`.trim(), chapters));

      const output = path.join(directory, 'composed.mp4');
      await this.runFfmpeg(composeArgs({ inputs, cells: Math.max(1, cells.size), durationSeconds, chaptersFile: chaptersPath, output }), durationSeconds, async (progress) => {
        await db.updateTable('recordings').set({ compose_progress: progress }).where('id', '=', recordingId).execute();
      });
      const composedSha = await sha256File(output);
      const composedBytes = (await stat(output)).size;

      const manifest = {
        format: 'yunting-recording-manifest/1',
        recordingId,
        room: { id: room.id, title: room.title, mode: room.mode },
        case: room.case_id ? { id: room.case_id, serialNumber: serial ?? null } : null,
        startedAt: recording.started_at,
        endedAt: recording.ended_at,
        interrupted: recording.interrupted === 1,
        participants: [...new Map(parts.map((p) => [`${p.participant_name}|${p.participant_role}`, { name: p.participant_name, role: p.participant_role }])).values()],
        tracks: parts.map((part) => ({
          partId: part.id,
          producerId: part.producer_id,
          participant: part.participant_name,
          role: part.participant_role,
          source: part.source,
          kind: part.kind,
          codec: part.codec,
          confidential: part.confidential,
          startedAt: part.started_at,
          endedAt: part.ended_at,
          offsetSeconds: Math.max(0, (Date.parse(part.started_at) - startMs) / 1000),
          interrupted: part.interrupted === 1,
          segments: segments
            .filter((s) => s.part_id === part.id)
            .map((s) => ({
              file: s.file,
              sequence: s.sequence,
              startSeconds: s.start_s,
              durationSeconds: s.duration_s,
              bytes: Number(s.bytes),
              sha256: s.sha256,
              recovered: s.recovered === 1,
            })),
        })),
        events: timed.map((e) => ({ kind: e.kind, at: e.at, by: e.by, ...e.detail })),
        connectionQuality,
        chapters: chapters.map((c) => ({ title: c.title, startSeconds: c.startMs / 1000, endSeconds: c.endMs / 1000, confidential: c.confidential })),
        composed: { file: path.relative(recordingsDir, output), sha256: composedSha, bytes: composedBytes, durationSeconds },
      };
      const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
      await writeFile(path.join(directory, 'manifest.json'), manifestText);
      const manifestSha = createHash('sha256').update(manifestText).digest('hex');
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('recordings')
          .set({
            status: 'composed',
            compose_progress: 1,
            composed_file: path.relative(recordingsDir, output),
            composed_sha256: composedSha,
            composed_bytes: composedBytes,
            composed_duration_s: durationSeconds,
            manifest_sha256: manifestSha,
          })
          .where('id', '=', recordingId)
          .execute();
        if (room.case_id) {
          await recordAudit(trx, { actor: { kind: 'system', name: 'recording' }, ip: null }, {
            caseId: room.case_id,
            action: 'recording.composed',
            detail: { recordingId, roomId: room.id, manifestSha256: manifestSha, composedSha256: composedSha, durationSeconds },
          });
        }
      });
      log.info({ recordingId, manifestSha }, 'recording composed');
    } catch (error) {
      if (this.stopped) {
        // Shut down mid-job: the next start composes it again.
        await db.updateTable('recordings').set({ status: 'ended', compose_progress: 0 }).where('id', '=', recordingId).execute().catch(() => undefined);
        return;
      }
      await db.updateTable('recordings').set({ status: 'failed', error: String(error).slice(0, 2000) }).where('id', '=', recordingId).execute();
      throw error;
    }
  }

  private runFfmpeg(args: string[], durationSeconds: number, onProgress: (fraction: number) => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      // `nice`: composing must never take CPU from live sessions.
      const child = spawn('nice', ['-n', '19', this.deps.ffmpegPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.running = child;
      let stderr = '';
      let lastReport = 0;
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /out_time_us=(\d+)/.exec(chunk.toString());
        if (!match || Date.now() - lastReport < 500) return;
        lastReport = Date.now();
        void onProgress(Math.min(0.99, Number(match[1]) / 1e6 / durationSeconds)).catch(() => undefined);
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg compose exited ${code}: ${stderr}`))));
    });
  }
}
