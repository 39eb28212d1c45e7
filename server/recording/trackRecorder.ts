/**
 * Records one part of one track: a PlainTransport consumer feeding one
 * ffmpeg process that copies RTP into finished segments. ffmpeg is its own
 * process, so a failing encoder cannot take the server down, and it ends
 * cleanly when its stream stops, so it never outlives its server either.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import { captureArgs } from './ffmpegArgs.ts';
import { freePortPair, isTaken, RECORDER_IP } from './ports.ts';
import { containerFor, recorderSdp } from './sdp.ts';
import { packetCount } from './trackHealth.ts';
import { remuxCutOff } from './remux.ts';

export interface FinishedSegment {
  sequence: number;
  file: string;
  startSeconds: number;
  durationSeconds: number;
  bytes: number;
  sha256: string;
  /** Remuxed from the file a killed ffmpeg left cut off. */
  recovered?: boolean;
}

export interface TrackRecorderOptions {
  router: types.Router;
  producer: types.Producer;
  /** Absolute directory of this part. */
  directory: string;
  segmentSeconds: number;
  ffmpegPath: string;
  log: FastifyBaseLogger;
  onSegment: (segment: FinishedSegment) => Promise<void>;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Parses ffmpeg's CSV segment list: `file,start,end` per finished segment. */
export function parseSegmentList(csv: string): { file: string; start: number; end: number }[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [file, start, end] = line.split(',');
      return { file: file!, start: Number(start), end: Number(end) };
    })
    .filter((entry) => entry.file && Number.isFinite(entry.start) && Number.isFinite(entry.end));
}

/**
 * What ffmpeg can take: the router's codecs without retransmission (RTX
 * streams and NACK would reach ffmpeg as a second, unknown stream).
 */
export function recorderCapabilities(caps: types.RtpCapabilities): types.RtpCapabilities {
  return {
    codecs: (caps.codecs ?? [])
      .filter((codec) => codec.mimeType.toLowerCase() !== 'video/rtx')
      .map((codec) => ({ ...codec, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

/** At most this long between recorded video keyframes (see requestKeyFrames). */
const KEYFRAME_SECONDS = 4;
/** A weak sender (SFU score below WEAK_SCORE) is asked only this often: a forced keyframe costs it most. */
const WEAK_KEYFRAME_SECONDS = 12;
const WEAK_SCORE = 7;

export class TrackRecorder {
  /** When media starts flowing to ffmpeg (the consumer is resumed): the part's time zero. */
  startedAt = new Date();
  private process: ChildProcess | undefined;
  /** Resolves when ffmpeg has exited, for whatever reason. */
  exited: Promise<void> = Promise.resolve();
  private listTimer: NodeJS.Timeout | undefined;
  private keyframeTimers: NodeJS.Timeout[] = [];
  private seen = 0;
  private collecting: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The last attempt to register a finished segment failed (disk, store). */
  writeFailed = false;
  /** ffmpeg has exited (for whatever reason). */
  ended = false;
  /** The signal that ended ffmpeg, when one did (it was killed rather than finishing). */
  exitSignal: NodeJS.Signals | null = null;

  private constructor(
    private readonly options: TrackRecorderOptions,
    private readonly transport: types.PlainTransport,
    readonly consumer: types.Consumer,
    readonly codec: string,
  ) {}

  static async start(options: TrackRecorderOptions): Promise<TrackRecorder> {
    const { router, producer, directory } = options;
    await mkdir(directory, { recursive: true });
    const port = await freePortPair();
    const transport = await router.createPlainTransport({ listenIp: { ip: RECORDER_IP }, rtcpMux: false, comedia: false });
    try {
      await transport.connect({ ip: RECORDER_IP, port, rtcpPort: port + 1 });
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: recorderCapabilities(router.rtpCapabilities), paused: true });
      const codec = consumer.rtpParameters.codecs[0]!.mimeType;
      const recorder = new TrackRecorder(options, transport, consumer, codec);
      try {
        await recorder.launch(port);
      } catch (error) {
        await recorder.stop();
        throw error;
      }
      return recorder;
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  private async launch(port: number): Promise<void> {
    const { directory, ffmpegPath, segmentSeconds, log } = this.options;
    const sdpFile = path.join(directory, 'part.sdp');
    await writeFile(sdpFile, recorderSdp(this.consumer.kind, this.consumer.rtpParameters, port));
    const container = containerFor(this.codec);
    const args = captureArgs({
      sdpFile,
      segmentSeconds,
      listFile: path.join(directory, 'segments.csv'),
      segmentPattern: path.join(directory, `seg-%05d.${container}`),
      container,
      listenIp: RECORDER_IP,
    });
    // ffmpeg's own messages stay with the part, for whoever investigates a recording later.
    const logFile = await open(path.join(directory, 'ffmpeg.log'), 'a');
    // ffmpeg ends on its own two seconds after the last packet (see captureArgs): when the part is
    // stopped, when its producer goes, and when this server dies, so no recorder outlives its stream.
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', logFile.fd] });
    child.once('spawn', () => void logFile.close().catch(() => undefined));
    this.process = child;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (_code, signal) => {
        this.exitSignal = signal;
        resolve();
      });
      // ffmpeg could not be started at all: the same as a recorder that died.
      child.once('error', (error) => {
        log.error({ err: error, directory }, 'could not run the recorder ffmpeg');
        void logFile.close().catch(() => undefined);
        resolve();
      });
    }).then(() => {
      this.ended = true;
    });
    child.once('exit', (code) => {
      // Normal when the producer pauses (no packets for two seconds); the session recorder starts a new part on resume.
      if (!this.stopped) log.debug({ code, directory, producerId: this.consumer.producerId }, 'recorder ffmpeg ended with its stream');
    });
    // Resume only once ffmpeg listens: the first keyframe must not be lost.
    for (let i = 0; i < 100 && !(await isTaken(port)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    this.startedAt = new Date();
    await this.consumer.resume();
    if (this.consumer.kind === 'video') this.requestKeyFrames();
    this.listTimer = setInterval(() => void this.collect(), 1000);
    this.listTimer.unref();
  }

  /**
   * Asks for a keyframe every half second until one has gone out to ffmpeg
   * (a video file cannot start before it), then every few seconds: segments
   * can only be cut, and Matroska video clusters only be closed (written to
   * disk), at keyframes, so this bounds both a segment's length and what a
   * crash can lose of the open one.
   */
  private requestKeyFrames(): void {
    const request = () => void this.consumer.requestKeyFrame().catch(() => undefined);
    let seenKeyframe = false;
    void this.consumer.enableTraceEvent(['keyframe']).catch(() => undefined);
    this.consumer.on('trace', (trace) => {
      if (trace.type === 'keyframe') seenKeyframe = true;
    });
    request();
    const untilFirst = setInterval(() => {
      if (seenKeyframe) clearInterval(untilFirst);
      else request();
    }, 500);
    let lastAsked = Date.now();
    const periodic = setInterval(() => {
      const weak = Math.min(10, ...this.options.producer.score.map((s) => s.score)) < WEAK_SCORE;
      if (weak && Date.now() - lastAsked < WEAK_KEYFRAME_SECONDS * 1000 - 250) return;
      lastAsked = Date.now();
      request();
    }, Math.min(this.options.segmentSeconds, KEYFRAME_SECONDS) * 1000);
    this.keyframeTimers.push(untilFirst, periodic);
    for (const timer of this.keyframeTimers) timer.unref();
  }

  /** Packets the recording consumer has sent to ffmpeg so far (undefined when the worker cannot tell). */
  packetsSent(): Promise<number | undefined> {
    return packetCount(() => this.consumer.getStats(), 'outbound-rtp');
  }

  private collect(): Promise<void> {
    this.collecting = this.collecting.then(async () => {
      const listFile = path.join(this.options.directory, 'segments.csv');
      const csv = await readFile(listFile, 'utf8').catch(() => '');
      const entries = parseSegmentList(csv);
      for (const entry of entries.slice(this.seen)) {
        const file = path.join(this.options.directory, entry.file);
        const size = (await stat(file)).size;
        await this.options.onSegment({
          sequence: this.seen,
          file,
          startSeconds: entry.start,
          durationSeconds: Math.max(0, entry.end - entry.start),
          bytes: size,
          sha256: await sha256File(file),
        });
        this.seen++;
      }
      this.writeFailed = false;
    }).catch((error: unknown) => {
      this.writeFailed = true;
      this.options.log.error({ err: error }, 'could not register a recording segment');
    });
    return this.collecting;
  }

  /**
   * After ffmpeg died mid-segment (stop() has registered what it listed):
   * the segment it left cut off is remuxed so it plays and registered as
   * recovered; the raw file stays as `seg-N.cut.mkv`, which crash
   * reconciliation does not take up a second time.
   */
  async recoverCutOff(): Promise<void> {
    const { directory, ffmpegPath } = this.options;
    const entries = parseSegmentList(await readFile(path.join(directory, 'segments.csv'), 'utf8').catch(() => ''));
    const listed = new Set(entries.map((entry) => entry.file));
    let offset = entries.at(-1)?.end ?? 0;
    const cutOff = (await readdir(directory)).filter((f) => /^seg-\d+\.mkv$/.test(f) && !listed.has(f)).sort();
    for (const name of cutOff) {
      const raw = path.join(directory, name);
      const recovered = raw.replace(/\.mkv$/, '.recovered.mkv');
      const duration = await remuxCutOff(ffmpegPath, raw, recovered).catch(() => 0);
      if (duration <= 0) continue; // cut before its first frame: nothing to keep (crash reconciliation lists it as unrecoverable)
      await rename(raw, raw.replace(/\.mkv$/, '.cut.mkv'));
      await this.options.onSegment({
        sequence: this.seen,
        file: recovered,
        startSeconds: offset,
        durationSeconds: duration,
        bytes: (await stat(recovered)).size,
        sha256: await sha256File(recovered),
        recovered: true,
      });
      this.seen++;
      offset += duration;
    }
  }

  /** True once stop() was asked for; ffmpeg exiting without it means its stream went quiet. */
  get stopRequested(): boolean {
    return this.stopped;
  }

  /** Stops media reaching this part at once (a private talk began or ended); stop() then finishes the files. */
  cut(): void {
    this.transport.close();
  }

  /** Ends the part: ffmpeg finishes the open segment, which is then registered like the others. */
  async stop(): Promise<void> {
    if (this.stopped) return this.exited.then(() => this.collecting);
    this.stopped = true;
    clearInterval(this.listTimer);
    for (const timer of this.keyframeTimers) clearInterval(timer);
    // No more packets: ffmpeg closes the open segment and exits by itself.
    this.cut();
    const nudge = setTimeout(() => this.process?.kill('SIGINT'), 6_000);
    const killer = setTimeout(() => this.process?.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(nudge);
    clearTimeout(killer);
    await this.collect();
  }
}
