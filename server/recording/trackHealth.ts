/**
 * Whether each track of a session is really being recorded, and when a
 * failed track's recorder may start again. A track fails when its ffmpeg
 * dies, when no packet reaches the recorder for NO_MEDIA_MS while its
 * producer is live and not paused, when a segment cannot be registered, or
 * when the recordings disk is full. Restarts back off exponentially (with a
 * cap) and wait until the producer really delivers media again, so a silent
 * producer does not spawn ffmpeg after ffmpeg.
 */
import { statfs } from 'node:fs/promises';
import type { types } from 'mediasoup';
import type { ProducerAppData } from '../media/mediaPeer.ts';
import type { RecordingFailure } from '../signalling/protocol.ts';

/** A live, unpaused track whose recorder got no packet for this long is failing. */
export const NO_MEDIA_MS = 5_000;
/** Restarts of a failing track wait 1 s, 2 s, 4 s, … up to the cap. */
export const RESTART_BASE_MS = 1_000;
export const RESTART_CAP_MS = 60_000;
/** Less free space than this on the recordings disk counts as full. */
export const DISK_FULL_BYTES = 256 * 1024;

export function restartDelayMs(consecutiveFailures: number, base = RESTART_BASE_MS, cap = RESTART_CAP_MS): number {
  if (consecutiveFailures <= 0) return 0;
  return Math.min(cap, base * 2 ** Math.min(consecutiveFailures - 1, 30));
}

/** Packets counted in the stats of a producer (received) or a consumer (sent); undefined when the worker cannot tell. */
export async function packetCount(stats: () => Promise<{ type: string; packetCount?: number }[]>, type: 'inbound-rtp' | 'outbound-rtp'): Promise<number | undefined> {
  try {
    return (await stats()).filter((s) => s.type === type).reduce((sum, s) => sum + (s.packetCount ?? 0), 0);
  } catch {
    return undefined;
  }
}

export async function diskIsFull(directory: string): Promise<boolean> {
  try {
    const fs = await statfs(directory);
    return fs.bavail * fs.bsize < DISK_FULL_BYTES;
  } catch {
    return false;
  }
}

export class TrackWatch {
  /** Failures since the track last recorded a whole segment. */
  failures = 0;
  problem: RecordingFailure | null = null;
  /** While no part runs after a failure: the earliest time of the next attempt. */
  retryAt: number | null = null;
  private sent = 0;
  private lastFlowAt = Date.now();
  private received = -1;
  private partStartedAt = 0;
  private pausedAt = 0;

  constructor(
    readonly producer: types.Producer<ProducerAppData>,
    readonly owner: { subject: string; name: string },
  ) {
    producer.observer.on('pause', () => (this.pausedAt = Date.now()));
  }

  partStarted(now = Date.now()): void {
    this.partStartedAt = now;
    this.lastFlowAt = now;
    this.sent = 0;
    this.retryAt = null;
  }

  /** What the part's recording consumer has sent to ffmpeg so far. */
  observeSent(count: number | undefined, now = Date.now()): void {
    if (count !== undefined && count > this.sent) {
      this.sent = count;
      this.lastFlowAt = now;
    }
  }

  /** Whether this part's recorder was ever seen sending media to ffmpeg. */
  get fedThisPart(): boolean {
    return this.sent > 0;
  }

  quietFor(now = Date.now()): number {
    return now - this.lastFlowAt;
  }

  /** A pause during the part explains its recorder ending: the stream went quiet on purpose. */
  get pausedDuringPart(): boolean {
    return this.pausedAt >= this.partStartedAt;
  }

  /** True when the producer received packets since the last look (the first look only takes the baseline). */
  observeReceived(count: number | undefined): boolean {
    if (count === undefined) return false;
    const grew = this.received >= 0 && count > this.received;
    this.received = count;
    return grew;
  }

  failed(problem: RecordingFailure, now = Date.now()): void {
    this.failures++;
    this.problem = problem;
    this.retryAt = now + restartDelayMs(this.failures);
    this.received = -1;
  }
}
