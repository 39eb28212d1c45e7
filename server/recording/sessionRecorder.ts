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
import type { TrackFailure } from '../sessions/recordingStatus.ts';
import { TrackRecorder } from './trackRecorder.ts';
import { diskIsFull, NO_MEDIA_MS, packetCount, TrackWatch } from './trackHealth.ts';

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
/** How often the recorder checks that every track is really recorded. */
const WATCH_MS = 1_000;

export class SessionRecorder {
  readonly recordingId = randomUUID();
  private readonly parts = new Map<string, ActivePart>();
  /** Every live producer of the session, recorded or waiting to be again. */
  private readonly tracks = new Map<string, TrackWatch>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly unsubscribe: () => void;
  private readonly watchTimer: NodeJS.Timeout;
  private watching = false;

  private constructor(
    private readonly session: LiveSession,
    private readonly media: MediaRoom,
    private readonly deps: RecorderDeps,
    readonly onEnded: (recordingId: string) => void,
  ) {
    this.unsubscribe = session.onPrivateTalkChange(() => this.cutAllParts());
    this.watchTimer = setInterval(() => void this.watch().catch((error: unknown) => this.deps.log.error({ err: error }, 'recording watch failed')), WATCH_MS);
    this.watchTimer.unref();
  }

  static async start(session: LiveSession, media: MediaRoom, deps: RecorderDeps, onEnded: (recordingId: string) => void): Promise<SessionRecorder> {
    session.recording.report('starting');
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
      .execute()
      .catch((error: unknown) => {
        recorder.stopped = true;
        clearInterval(recorder.watchTimer);
        throw error;
      });
    session.recording.report('recording');
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
    const owner = this.media.peers.get(producer.appData.peerId);
    if (!owner) return;
    const track = this.track(producer, { subject: owner.identity.subject, name: this.session.describePeer(owner).name });
    try {
      await this.startPartFor(producer, track);
    } catch (error) {
      // A producer (or the whole room) that went away while its part was starting is not a failure.
      if (producer.closed || this.media.closed || this.stopped) return;
      // The database is briefly away: the track is recorded as soon as its part can be registered.
      if (isStoreUnavailable(error) && attempt < MAX_PART_START_ATTEMPTS) {
        this.deps.log.warn({ err: error, producerId: producer.id, attempt }, 'recording part not started (store unavailable); trying again');
        setTimeout(() => this.serially(() => this.startPart(producer, attempt + 1)), Math.min(10_000, 1000 * attempt)).unref();
        return;
      }
      // Anything else is: the track is shown as not recorded and tried again later (see watch()).
      track.failed((error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'disk_full' : 'start_failed');
      this.deps.log.error({ err: error, producerId: producer.id, failures: track.failures }, 'could not start recording a track');
      this.report();
    }
  }

  /** The watch over one producer, made when it is first seen and dropped when it closes. */
  private track(producer: types.Producer<ProducerAppData>, owner: { subject: string; name: string }): TrackWatch {
    let track = this.tracks.get(producer.id);
    if (!track) {
      track = new TrackWatch(producer, owner);
      this.tracks.set(producer.id, track);
      // A producer lifetime is a part: when it closes (camera off, reconnect), its part ends.
      producer.observer.once('close', () => {
        this.tracks.delete(producer.id);
        this.serially(() => this.endPart(producer.id));
        this.report();
      });
    }
    return track;
  }

  private async startPartFor(producer: types.Producer<ProducerAppData>, track: TrackWatch): Promise<void> {
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
              recovered: segment.recovered ? 1 : 0,
              created_at: new Date().toISOString(),
            })
            .execute();
          // A whole segment made it to disk and store: the track records again, restarts start over.
          if (!segment.recovered) track.failures = 0;
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
    track.partStarted();
    this.parts.set(producer.id, { partId, recorder, producer });
    void recorder.exited
      .then(() => this.recorderEnded(producer, track, recorder))
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'could not handle a recorder that ended'));
  }

  /**
   * ffmpeg ended without being asked to. When the producer was paused (a
   * muted microphone), its stream went quiet on purpose: the next part starts
   * when it resumes. Otherwise the track failed (ffmpeg died, or its media
   * stopped): the part ends as interrupted and watch() starts the next one
   * after a back-off, once the producer really delivers media again.
   */
  private recorderEnded(producer: types.Producer<ProducerAppData>, track: TrackWatch, recorder: TrackRecorder): void {
    if (recorder.stopRequested || this.parts.get(producer.id)?.recorder !== recorder) return;
    const failed = !producer.closed && !producer.paused && !track.pausedDuringPart && !this.stopped;
    if (failed) {
      // Killed (a signal), or fed until just now: the recorder died. Never fed, or quiet for longer than the
      // watch's sampling can explain (ffmpeg gives up after 2 s of silence): its media stopped.
      const died = recorder.exitSignal !== null || (track.fedThisPart && track.quietFor() <= 1_500);
      track.failed(died ? 'recorder_exited' : 'no_media');
      this.deps.log.warn({ producerId: producer.id, failures: track.failures, reason: track.problem }, 'a track recorder ended while its producer is live');
      this.report();
    }
    this.serially(async () => {
      await this.endPart(producer.id, undefined, failed);
      if (producer.closed || this.stopped || failed) return;
      if (!producer.paused) return this.startPart(producer);
      producer.observer.once('resume', () => this.serially(() => this.startPart(producer)));
    });
  }

  private async endPart(producerId: string, endedAt = new Date().toISOString(), interrupted = false): Promise<void> {
    const part = this.parts.get(producerId);
    if (!part) return;
    this.parts.delete(producerId);
    await part.recorder.stop();
    // Its ffmpeg died mid-segment: keep what that segment holds.
    if (interrupted) await part.recorder.recoverCutOff().catch((error: unknown) => this.deps.log.error({ err: error, partId: part.partId }, 'could not recover a cut-off segment'));
    await this.deps.db
      .updateTable('recording_parts')
      .set({ ended_at: endedAt, ...(interrupted ? { interrupted: 1 } : {}) })
      .where('id', '=', part.partId)
      .execute();
  }

  /**
   * Once a second: is every live, unpaused track really being recorded?
   * Failed tracks start again here, after their back-off and only once
   * their producer delivers media, never while the disk is full.
   */
  private async watch(): Promise<void> {
    if (this.stopped || this.watching) return;
    this.watching = true;
    try {
      const now = Date.now();
      const diskFull = await diskIsFull(this.deps.recordingsDir);
      for (const track of this.tracks.values()) {
        const { producer } = track;
        if (producer.closed) continue;
        const part = this.parts.get(producer.id);
        // A part whose ffmpeg has exited is being ended (recorderEnded decided what that means).
        if (part?.recorder.ended) continue;
        if (part) {
          const sent = await part.recorder.packetsSent();
          if (part.recorder.ended || this.parts.get(producer.id) !== part) continue; // it ended meanwhile
          track.observeSent(sent, now);
          if (producer.paused) track.problem = null;
          else if (diskFull) track.problem = 'disk_full';
          else if (part.recorder.writeFailed) track.problem = 'write_failed';
          else if (track.quietFor(now) > NO_MEDIA_MS) track.problem = 'no_media';
          else track.problem = null;
        } else if (track.retryAt !== null) {
          const flowing = track.observeReceived(await packetCount(() => producer.getStats(), 'inbound-rtp'));
          if (producer.paused) track.problem = null;
          else if (diskFull) track.problem = 'disk_full';
          if (!diskFull && !producer.paused && now >= track.retryAt && flowing) {
            track.retryAt = null;
            this.serially(() => this.startPart(producer));
          }
        }
      }
      this.report();
    } finally {
      this.watching = false;
    }
  }

  /** Tells the session what is recorded now. */
  private report(): void {
    if (this.stopped) return;
    const failing: TrackFailure[] = [];
    for (const track of this.tracks.values()) {
      if (track.problem && !track.producer.closed) failing.push({ subject: track.owner.subject, name: track.owner.name, source: track.producer.appData.source, reason: track.problem });
    }
    this.session.recording.report(failing.length > 0 ? 'interrupted' : 'recording', failing);
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
    clearInterval(this.watchTimer);
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
