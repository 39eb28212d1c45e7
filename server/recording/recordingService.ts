/**
 * Recording as a service: starts a recorder for every session's media,
 * composes what ended, reconciles the disk with the store after a crash,
 * applies the retention period, and answers the clerk portal.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.ts';
import type { Recording, RecordingPart } from '../store/schema.ts';
import type { LiveSession } from '../sessions/liveSession.ts';
import type { MediaRoom } from '../media/mediaRoom.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { recordAudit } from '../audit/auditLog.ts';
import { can, type StaffActor } from '../auth/policy.ts';
import { caseScope } from '../cases/caseService.ts';
import { scopeOfRoom } from '../rooms/roomService.ts';
import { Composer } from './composer.ts';
import { SessionRecorder } from './sessionRecorder.ts';
import { parseSegmentList, sha256File } from './trackRecorder.ts';
import { remuxCutOff } from './remux.ts';

export interface RecordingConfig {
  recordingsDir: string;
  ffmpegPath: string;
  segmentSeconds: number;
  /** 0 keeps recordings for ever. */
  retentionDays: number;
}

export class RecordingService {
  readonly composer: Composer;
  private readonly active = new Set<SessionRecorder>();

  constructor(
    private readonly db: Db,
    private readonly config: RecordingConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    this.composer = new Composer({ db, recordingsDir: config.recordingsDir, ffmpegPath: config.ffmpegPath, log });
  }

  /** Hooked into every session: recording starts when its media does. */
  attach(session: LiveSession, media: MediaRoom): void {
    SessionRecorder.start(
      session,
      media,
      { db: this.db, recordingsDir: this.config.recordingsDir, ffmpegPath: this.config.ffmpegPath, segmentSeconds: this.config.segmentSeconds, log: this.log },
      (recordingId) => void this.composer.enqueue(recordingId),
    ).then(
      (recorder) => {
        this.active.add(recorder);
        media.once('closed', () => {
          recorder
            .stop()
            .catch((error: unknown) => this.log.error({ err: error, roomId: session.room.id }, 'could not stop recording'))
            .finally(() => this.active.delete(recorder));
        });
      },
      (error: unknown) => {
        this.log.error({ err: error, roomId: session.room.id }, 'could not start recording');
        session.recording.report('interrupted');
      },
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.active].map((recorder) => recorder.stop()));
  }

  // ---- after a crash --------------------------------------------------------

  /** Brings the store in line with the disk: segments written but not registered, the cut-off segment recovered, parts and recordings closed. */
  async reconcile(): Promise<void> {
    const unfinished = await this.db.selectFrom('recordings').selectAll().where('status', 'in', ['recording', 'composing', 'ended']).execute();
    for (const recording of unfinished) {
      try {
        if (recording.status === 'recording') await this.recoverRecording(recording);
        void this.composer.enqueue(recording.id);
      } catch (error) {
        this.log.error({ err: error, recordingId: recording.id }, 'could not reconcile recording');
      }
    }
  }

  private async recoverRecording(recording: Recording): Promise<void> {
    const parts = await this.db.selectFrom('recording_parts').selectAll().where('recording_id', '=', recording.id).execute();
    let lastEnd = Date.parse(recording.started_at);
    const unrecoverable: string[] = [];
    for (const part of parts) {
      const end = await this.recoverPart(recording, part, unrecoverable);
      lastEnd = Math.max(lastEnd, end);
    }
    const endedAt = new Date(lastEnd).toISOString();
    await this.db.updateTable('recordings').set({ status: 'ended', ended_at: endedAt, interrupted: 1 }).where('id', '=', recording.id).execute();
    if (recording.case_id) {
      await recordAudit(this.db, { actor: { kind: 'system', name: 'recording' }, ip: null }, {
        caseId: recording.case_id,
        action: 'recording.recovered',
        detail: { recordingId: recording.id, endedAt, parts: parts.length, unrecoverable },
      });
    }
    this.log.warn({ recordingId: recording.id }, 'recording was cut off by a crash; recovered what was on disk');
  }

  /** Returns the part's end time (ms); files with nothing playable in them are listed in `unrecoverable`. */
  private async recoverPart(recording: Recording, part: RecordingPart, unrecoverable: string[]): Promise<number> {
    const directory = path.join(this.config.recordingsDir, recording.room_id, recording.id, part.id);
    const known = await this.db.selectFrom('recording_segments').selectAll().where('part_id', '=', part.id).execute();
    const knownFiles = new Set(known.map((s) => path.basename(s.file)));
    for (const segment of known) {
      if (!existsSync(path.join(this.config.recordingsDir, segment.file))) {
        this.log.error({ file: segment.file }, 'a registered recording segment is missing from disk');
        await this.db.updateTable('recordings').set({ error: `missing segment ${segment.file}` }).where('id', '=', recording.id).execute();
      }
    }
    const listed = parseSegmentList(await readFile(path.join(directory, 'segments.csv'), 'utf8').catch(() => ''));
    let sequence = known.length;
    let offset = listed.at(-1)?.end ?? 0;
    for (const entry of listed) {
      if (knownFiles.has(entry.file)) continue;
      await this.register(part.id, path.join(directory, entry.file), sequence++, entry.start, entry.end - entry.start, false);
      knownFiles.add(entry.file);
    }
    // Segments on disk that ffmpeg never listed: the one being written when the server died.
    const onDisk = existsSync(directory) ? (await readdir(directory)).filter((f) => /^seg-\d+\.(webm|mkv)$/.test(f)).sort() : [];
    for (const file of onDisk.filter((f) => !knownFiles.has(f))) {
      const raw = path.join(directory, file);
      const recovered = raw.replace(/\.(webm|mkv)$/, '.recovered.$1');
      const duration = await this.remux(raw, recovered).catch(() => undefined);
      if (duration === undefined || duration <= 0) {
        // Cut before its first frame was written: nothing to recover. The raw file stays on disk.
        this.log.warn({ file: raw }, 'a cut-off recording segment held no playable media');
        unrecoverable.push(path.relative(this.config.recordingsDir, raw));
        continue;
      }
      await this.register(part.id, recovered, sequence++, offset, duration, true);
      offset += duration;
    }
    const endMs = Date.parse(part.started_at) + offset * 1000;
    await this.db
      .updateTable('recording_parts')
      .set({ ended_at: part.ended_at ?? new Date(endMs).toISOString(), interrupted: part.ended_at ? 0 : 1 })
      .where('id', '=', part.id)
      .execute();
    return part.ended_at ? Date.parse(part.ended_at) : endMs;
  }

  private async register(partId: string, file: string, sequence: number, start: number, duration: number, recovered: boolean): Promise<void> {
    await this.db
      .insertInto('recording_segments')
      .values({
        id: randomUUID(),
        part_id: partId,
        file: path.relative(this.config.recordingsDir, file),
        sequence,
        start_s: start,
        duration_s: duration,
        bytes: (await stat(file)).size,
        sha256: await sha256File(file),
        recovered: recovered ? 1 : 0,
        created_at: new Date().toISOString(),
      })
      .execute();
  }

  /** Rewrites a cut-off Matroska/WebM file with a proper index; resolves with its duration. */
  private remux(input: string, output: string): Promise<number> {
    return remuxCutOff(this.config.ffmpegPath, input, output);
  }

  // ---- retention --------------------------------------------------------------

  /** Deletes the files of recordings older than the retention period; the rows and their hashes stay as the record of what existed. */
  async applyRetention(now = new Date()): Promise<number> {
    if (this.config.retentionDays <= 0) return 0;
    const cutoff = new Date(now.getTime() - this.config.retentionDays * 86_400_000).toISOString();
    const expired = await this.db.selectFrom('recordings').selectAll().where('ended_at', '<', cutoff).where('status', '=', 'composed').execute();
    for (const recording of expired) {
      await rm(path.join(this.config.recordingsDir, recording.room_id, recording.id), { recursive: true, force: true });
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('recordings').set({ status: 'expired' }).where('id', '=', recording.id).execute();
        if (recording.case_id) {
          await recordAudit(trx, { actor: { kind: 'system', name: 'retention' }, ip: null }, {
            caseId: recording.case_id,
            action: 'recording.expired',
            detail: { recordingId: recording.id, retentionDays: this.config.retentionDays, manifestSha256: recording.manifest_sha256 },
          });
        }
      });
    }
    return expired.length;
  }

  // ---- clerk portal -------------------------------------------------------------

  private async authorise(actor: StaffActor, recording: Recording): Promise<{ confidential: boolean }> {
    if (!recording.case_id) {
      // A room without a case: its organisation and creator decide (the same rule as entering it).
      const room = await this.db.selectFrom('rooms').select(['case_id', 'created_by', 'organisation_id']).where('id', '=', recording.room_id).executeTakeFirstOrThrow();
      const scope = scopeOfRoom({ ...room, case_id: null }, undefined);
      if (!can(actor, 'recording:view', scope)) throw notFound('Recording');
      return { confidential: can(actor, 'recording:confidential', scope) };
    }
    const row = await this.db.selectFrom('cases').select(['id', 'organisation_id', 'assigned_user_id']).where('id', '=', recording.case_id).executeTakeFirstOrThrow();
    if (!can(actor, 'recording:view', caseScope(row))) throw notFound('Recording');
    return { confidential: can(actor, 'recording:confidential', caseScope(row)) };
  }

  async listForCase(actor: StaffActor, caseId: string) {
    const row = await this.db.selectFrom('cases').select(['id', 'organisation_id', 'assigned_user_id']).where('id', '=', caseId).executeTakeFirst();
    if (!row || !can(actor, 'recording:view', caseScope(row))) throw notFound('Case');
    const confidentialAccess = can(actor, 'recording:confidential', caseScope(row));
    const recordings = await this.db
      .selectFrom('recordings')
      .innerJoin('rooms', 'rooms.id', 'recordings.room_id')
      .selectAll('recordings')
      .select(['rooms.title as room_title', 'rooms.mode as room_mode'])
      .where('recordings.case_id', '=', caseId)
      .orderBy('recordings.started_at')
      .execute();
    const out = [];
    for (const recording of recordings) {
      const parts = await this.db.selectFrom('recording_parts').selectAll().where('recording_id', '=', recording.id).orderBy('started_at').execute();
      const hasConfidential = parts.some((p) => p.confidential);
      const segments = await this.db
        .selectFrom('recording_segments')
        .select(['id', 'part_id', 'sequence', 'bytes', 'duration_s', 'sha256', 'recovered'])
        .where('part_id', 'in', parts.length ? parts.map((p) => p.id) : [''])
        .orderBy('sequence')
        .execute();
      out.push({
        id: recording.id,
        roomId: recording.room_id,
        roomTitle: recording.room_title,
        mode: recording.room_mode,
        status: recording.status,
        startedAt: recording.started_at,
        endedAt: recording.ended_at,
        interrupted: recording.interrupted === 1,
        composeProgress: Number(recording.compose_progress),
        error: recording.error,
        durationSeconds: recording.composed_duration_s,
        composedSha256: recording.composed_sha256,
        manifestSha256: recording.manifest_sha256,
        containsConfidential: hasConfidential,
        // The composed file holds the private talks too: it follows the confidential rule.
        canPlay: recording.status === 'composed' && (!hasConfidential || confidentialAccess),
        parts: parts
          .filter((p) => !p.confidential || confidentialAccess)
          .map((p) => ({
            id: p.id,
            participant: p.participant_name,
            role: p.participant_role,
            source: p.source,
            kind: p.kind,
            codec: p.codec,
            confidential: p.confidential,
            startedAt: p.started_at,
            endedAt: p.ended_at,
            segments: segments
              .filter((s) => s.part_id === p.id)
              .map((s) => ({ id: s.id, sequence: s.sequence, bytes: Number(s.bytes), durationSeconds: s.duration_s, sha256: s.sha256, recovered: s.recovered === 1 })),
          })),
      });
    }
    return out;
  }

  private async recording(recordingId: string): Promise<Recording> {
    const recording = await this.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).executeTakeFirst();
    if (!recording) throw notFound('Recording');
    return recording;
  }

  /** The composed file: includes private talks, so it needs confidential access when it has any. */
  async composedFile(actor: StaffActor, recordingId: string): Promise<{ file: string; recording: Recording }> {
    const recording = await this.recording(recordingId);
    const { confidential } = await this.authorise(actor, recording);
    const hasConfidential = await this.db.selectFrom('recording_parts').select('id').where('recording_id', '=', recordingId).where('confidential', 'is not', null).executeTakeFirst();
    if (hasConfidential && !confidential) throw forbidden('This recording includes confidential private talks');
    if (recording.status !== 'composed' || !recording.composed_file) throw new AppError('NOT_READY', 'The recording is still being composed', 409);
    return { file: recording.composed_file, recording };
  }

  async manifestFile(actor: StaffActor, recordingId: string): Promise<string> {
    const recording = await this.recording(recordingId);
    const { confidential } = await this.authorise(actor, recording);
    // The manifest names the private talks' tracks and times: the same rule as the composed file.
    const hasConfidential = await this.db.selectFrom('recording_parts').select('id').where('recording_id', '=', recordingId).where('confidential', 'is not', null).executeTakeFirst();
    if (hasConfidential && !confidential) throw forbidden('This recording includes confidential private talks');
    if (!recording.manifest_sha256) throw new AppError('NOT_READY', 'The manifest is written when composing finishes', 409);
    return path.join(recording.room_id, recording.id, 'manifest.json');
  }

  async segmentFile(actor: StaffActor, recordingId: string, segmentId: string): Promise<{ file: string; sha256: string }> {
    const recording = await this.recording(recordingId);
    const { confidential } = await this.authorise(actor, recording);
    const segment = await this.db
      .selectFrom('recording_segments')
      .innerJoin('recording_parts', 'recording_parts.id', 'recording_segments.part_id')
      .select(['recording_segments.file', 'recording_segments.sha256', 'recording_parts.confidential', 'recording_parts.recording_id'])
      .where('recording_segments.id', '=', segmentId)
      .executeTakeFirst();
    if (!segment || segment.recording_id !== recordingId) throw notFound('Segment');
    if (segment.confidential && !confidential) throw notFound('Segment');
    return { file: segment.file, sha256: segment.sha256 };
  }
}
