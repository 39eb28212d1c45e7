/**
 * Records a whole session while its media lives: every producer from the
 * moment it appears, each producer lifetime and each stretch of private
 * talk as its own part (private parts marked confidential), every finished
 * segment hashed and registered as it completes.
 */
import { randomUUID } from 'node:crypto';
import { isStoreUnavailable } from '../store/storeErrors.ts';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import type { MediaRoom } from '../media/mediaRoom.ts';
import type { ProducerAppData } from '../media/mediaPeer.ts';
import type { LiveSession } from '../sessions/liveSession.ts';
import type { Db } from '../store/database.ts';
import { TrackRecorder } from './trackRecorder.ts';

export interface RecorderDeps {
  db: Db;
  recordingsDir: string;
  ffmpegPath: string;
  segmentSeconds: number;
  log: FastifyBaseLogger;
}

interface ActivePart {
  partId: string;
  recorder: TrackRecorder;
  producer: types.Producer<ProducerAppData>;
}

/** A part that cannot be registered (store unavailable) is tried again, with growing pauses, this many times. */
const MAX_PART_START_ATTEMPTS = 30;

export class SessionRecorder {
  readonly recordingId = randomUUID();
  private readonly parts = new Map<string, ActivePart>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly session: LiveSession,
    private readonly media: MediaRoom,
    private readonly deps: RecorderDeps,
    readonly onEnded: (recordingId: string) => void,
  ) {
    this.unsubscribe = session.onPrivateTalkChange(() => this.cutAllParts());
  }

  static async start(session: LiveSession, media: MediaRoom, deps: RecorderDeps, onEnded: (recordingId: string) => void): Promise<SessionRecorder> {
    const recorder = new SessionRecorder(session, media, deps, onEnded);
    await deps.db
      .insertInto('recordings')
      .values({
        id: recorder.recordingId,
        room_id: session.room.id,
        case_id: session.room.case_id,
        status: 'recording',
        started_at: new Date().toISOString(),
        ended_at: null,
        composed_file: null,
        composed_sha256: null,
        composed_bytes: null,
        composed_duration_s: null,
        manifest_sha256: null,
        error: null,
      })
      .execute();
    media.on('producerCreated', (producer) => recorder.serially(() => recorder.startPart(producer)));
    media.once('closed', () => void recorder.stop());
    for (const peer of media.peers.values()) for (const producer of peer.producers.values()) recorder.serially(() => recorder.startPart(producer));
    deps.log.info({ recordingId: recorder.recordingId, roomId: session.room.id }, 'recording started');
    return recorder;
  }

  /** Part changes happen one at a time, in order. */
  private serially(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.deps.log.error({ err: error }, 'recording step failed'));
  }

  private async startPart(producer: types.Producer<ProducerAppData>, attempt = 1): Promise<void> {
    if (this.stopped || this.media.closed || producer.closed || this.parts.has(producer.id)) return;
    try {
      await this.startPartFor(producer);
    } catch (error) {
      // A producer (or the whole room) that went away while its part was starting is not a failure.
      if (producer.closed || this.media.closed) return;
      // The database is briefly away: the track is recorded as soon as its part can be registered.
      if (isStoreUnavailable(error) && attempt < MAX_PART_START_ATTEMPTS) {
        this.deps.log.warn({ err: error, producerId: producer.id, attempt }, 'recording part not started (store unavailable); trying again');
        setTimeout(() => this.serially(() => this.startPart(producer, attempt + 1)), Math.min(10_000, 1000 * attempt)).unref();
        return;
      }
      throw error;
    }
  }

  private async startPartFor(producer: types.Producer<ProducerAppData>): Promise<void> {
    const owner = this.media.peers.get(producer.appData.peerId);
    if (!owner) return;
    const who = this.session.describePeer(owner);
    const partId = randomUUID();
    const relative = path.join(this.session.room.id, this.recordingId, partId);
    // The part is registered before its first segment can be.
    await this.deps.db
      .insertInto('recording_parts')
      .values({
        id: partId,
        recording_id: this.recordingId,
        producer_id: producer.id,
        participant_name: who.name,
        participant_role: who.role,
        source: producer.appData.source,
        kind: producer.kind,
        codec: producer.rtpParameters.codecs[0]?.mimeType ?? 'unknown',
        confidential: this.session.confidentiality(),
        started_at: new Date().toISOString(),
        ended_at: null,
      })
      .execute();
    let recorder: TrackRecorder;
    try {
      recorder = await TrackRecorder.start({
        router: this.media.router,
        producer,
        directory: path.join(this.deps.recordingsDir, relative),
        segmentSeconds: this.deps.segmentSeconds,
        ffmpegPath: this.deps.ffmpegPath,
        log: this.deps.log,
        onSegment: async (segment) => {
          await this.deps.db
            .insertInto('recording_segments')
            .values({
              id: randomUUID(),
              part_id: partId,
              file: path.relative(this.deps.recordingsDir, segment.file),
              sequence: segment.sequence,
              start_s: segment.startSeconds,
              duration_s: segment.durationSeconds,
              bytes: segment.bytes,
              sha256: segment.sha256,
              created_at: new Date().toISOString(),
            })
            .execute();
        },
      });
    } catch (error) {
      await this.deps.db.updateTable('recording_parts').set({ ended_at: new Date().toISOString() }).where('id', '=', partId).execute();
      throw error;
    }
    // Media starts flowing to ffmpeg now; the part's clock starts here.
    try {
      await this.deps.db.updateTable('recording_parts').set({ started_at: recorder.startedAt.toISOString() }).where('id', '=', partId).execute();
    } catch (error) {
      await recorder.stop().catch(() => undefined); // no ffmpeg runs for a part the server does not track
      throw error;
    }
    this.parts.set(producer.id, { partId, recorder, producer });
    // A producer lifetime is a part: when it closes (camera off, reconnect), its part ends.
    producer.observer.once('close', () => this.serially(() => this.endPart(producer.id)));
    // ffmpeg ends by itself when the stream goes quiet (a paused microphone): the part ends there
    // and the next one starts when the producer resumes.
    void recorder.exited.then(() => {
      if (recorder.stopRequested || this.parts.get(producer.id)?.recorder !== recorder) return;
      this.serially(async () => {
        await this.endPart(producer.id);
        if (producer.closed || this.stopped) return;
        if (!producer.paused) return this.startPart(producer);
        producer.observer.once('resume', () => this.serially(() => this.startPart(producer)));
      });
    });
  }

  private async endPart(producerId: string, endedAt = new Date().toISOString()): Promise<void> {
    const part = this.parts.get(producerId);
    if (!part) return;
    this.parts.delete(producerId);
    await part.recorder.stop();
    await this.deps.db.updateTable('recording_parts').set({ ended_at: endedAt }).where('id', '=', part.partId).execute();
  }

  /**
   * A private talk began or ended: at this very moment every current part
   * stops receiving media (nothing said from now on may land in a part of
   * the other confidentiality), then every track starts a new part.
   */
  private cutAllParts(): void {
    const at = new Date().toISOString();
    const current = [...this.parts.values()];
    for (const part of current) part.recorder.cut();
    this.serially(async () => {
      await Promise.all(current.map((part) => this.endPart(part.producer.id, at)));
      await Promise.all(current.map((part) => this.startPart(part.producer)));
    });
  }

  private stopping: Promise<void> | undefined;

  /** Ends every part and the recording; the same promise for every caller. */
  stop(): Promise<void> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<void> {
    // The session ends now; closing the files afterwards takes a moment that is not part of it.
    const endedAt = new Date().toISOString();
    this.stopped = true;
    this.unsubscribe();
    this.serially(async () => {
      await Promise.all([...this.parts.keys()].map((producerId) => this.endPart(producerId)));
      await this.deps.db
        .updateTable('recordings')
        .set({ status: 'ended', ended_at: endedAt })
        .where('id', '=', this.recordingId)
        .execute();
      this.deps.log.info({ recordingId: this.recordingId }, 'recording ended');
      this.onEnded(this.recordingId);
    });
    await this.queue;
  }
}
