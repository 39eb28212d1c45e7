/**
 * This page's own link, judged every 2 s from getStats: loss (what the SFU
 * reports of our uplink, and what we miss on our downlink), the round trip
 * to the SFU and frozen remote video. Levels: good / poor / lost, with
 * hysteresis (poor after two bad samples, good after three good ones, lost
 * at once). The session reports the level to the server (which shows it to
 * everyone and logs poor and lost periods), picks smaller simulcast layers
 * while poor, and turns a direction to audio only when it cannot carry
 * useful video.
 */
import type { LinkQuality } from '../../../server/signalling/protocol.ts';

export type { LinkQuality };

export interface LinkSample {
  level: LinkQuality;
  /** Worst of uplink and downlink loss, percent. */
  lossPct: number;
  uplinkLossPct: number;
  downlinkLossPct: number;
  rttMs: number;
  /** Seconds of remote video without a new frame in the last window. */
  freezeS: number;
  /** Remote video frames decoded per second (0 without remote video). */
  videoFps: number;
  /** Whether remote video was expected in the window (unpaused consumers). */
  videoExpected: boolean;
}

export interface LinkSources {
  transports(): { getStats(): Promise<RTCStatsReport>; connectionState: string }[];
  /** Remote media we expect to receive (unpaused consumers). */
  expecting(): { audio: boolean; video: boolean };
  connected(): boolean;
}

export const SAMPLE_MS = 2_000;
const POOR_AFTER = 2;
const GOOD_AFTER = 3;

interface Counters {
  lost: number;
  received: number;
  frames: number;
  freezeS: number;
  bytes: number;
}

export class LinkMonitor {
  level: LinkQuality = 'good';
  last?: LinkSample;
  private timer?: ReturnType<typeof setInterval>;
  private previous?: Counters;
  private badRun = 0;
  private goodRun = 0;
  private silentSince = 0;
  private running = false;
  /** RTCP receiver reports seen per outgoing stream: a paused stream's last report is stale. */
  private readonly reports = new Map<string, number>();

  constructor(
    private readonly sources: LinkSources,
    private readonly onSample: (sample: LinkSample, changed: boolean) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.previous = undefined;
  }

  /** A new connection: counters start over (and the level with them). */
  reset(): void {
    this.previous = undefined;
    this.reports.clear();
    this.silentSince = 0;
    this.badRun = 0;
    this.goodRun = 0;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const sample = await this.measure();
      if (!sample) return;
      const changed = this.judge(sample);
      sample.level = this.level;
      this.last = sample;
      this.onSample(sample, changed);
    } catch {
      // A transport closing under us: the next tick measures the new one.
    } finally {
      this.running = false;
    }
  }

  private async measure(): Promise<LinkSample | undefined> {
    const transports = this.sources.transports();
    const counters: Counters = { lost: 0, received: 0, frames: 0, freezeS: 0, bytes: 0 };
    let uplinkLoss = 0;
    let rtt = 0;
    let disconnected = !this.sources.connected();
    for (const transport of transports) {
      if (transport.connectionState === 'disconnected' || transport.connectionState === 'failed') disconnected = true;
      const report = await transport.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp') {
          counters.lost += Math.max(0, Number(s.packetsLost ?? 0));
          counters.received += Number(s.packetsReceived ?? 0);
          counters.bytes += Number(s.bytesReceived ?? 0);
          if (s.kind === 'video') {
            counters.frames += Number(s.framesDecoded ?? 0);
            counters.freezeS += Number(s.totalFreezesDuration ?? 0);
          }
        } else if (s.type === 'remote-inbound-rtp') {
          const key = String(s.ssrc ?? s.id);
          const seen = Number(s.reportsReceived ?? 0);
          if (seen === this.reports.get(key)) return;
          this.reports.set(key, seen);
          uplinkLoss = Math.max(uplinkLoss, Number(s.fractionLost ?? 0));
          rtt = Math.max(rtt, Number(s.roundTripTime ?? 0) * 1000);
        } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          rtt = Math.max(rtt, Number(s.currentRoundTripTime ?? 0) * 1000);
        }
      });
    }
    const previous = this.previous;
    this.previous = counters;
    const expecting = this.sources.expecting();
    const seconds = SAMPLE_MS / 1000;
    const d = (key: keyof Counters) => (previous ? Math.max(0, counters[key] - previous[key]) : 0);
    const lostNow = d('lost');
    const receivedNow = d('received');
    const downlinkLoss = lostNow + receivedNow > 0 ? lostNow / (lostNow + receivedNow) : 0;
    // Nothing at all arriving although media is expected: lost after 4 s.
    if (previous && (expecting.audio || expecting.video) && d('bytes') === 0) this.silentSince ||= Date.now();
    else this.silentSince = 0;
    if (this.silentSince && Date.now() - this.silentSince >= 3_000) disconnected = true;
    if (!previous && !disconnected) return undefined;
    const sample: LinkSample = {
      level: 'good',
      uplinkLossPct: Math.round(uplinkLoss * 1000) / 10,
      downlinkLossPct: Math.round(downlinkLoss * 1000) / 10,
      lossPct: 0,
      rttMs: Math.round(rtt),
      freezeS: Math.round(d('freezeS') * 10) / 10,
      videoFps: d('frames') / seconds,
      videoExpected: expecting.video,
    };
    sample.lossPct = Math.max(sample.uplinkLossPct, sample.downlinkLossPct);
    if (disconnected) sample.level = 'lost';
    // Frozen video counts only with some loss or delay on the link: a freeze on a clean link is a busy phone, not the network.
    else if (
      sample.uplinkLossPct >= 5 ||
      sample.downlinkLossPct >= 8 ||
      sample.rttMs >= 450 ||
      (sample.freezeS >= 1 && (sample.lossPct >= 2 || sample.rttMs >= 250))
    ) {
      sample.level = 'poor';
    }
    return sample;
  }

  /** Hysteresis: returns whether the level changed. */
  private judge(sample: LinkSample): boolean {
    const before = this.level;
    if (sample.level === 'lost') {
      this.level = 'lost';
      this.badRun = POOR_AFTER;
      this.goodRun = 0;
    } else if (sample.level === 'poor') {
      this.goodRun = 0;
      this.badRun++;
      if (this.level === 'lost' || this.badRun >= POOR_AFTER) this.level = 'poor';
    } else {
      this.badRun = 0;
      this.goodRun++;
      // Back from lost: poor until the link has proved itself.
      if (this.level === 'lost') this.level = 'poor';
      else if (this.goodRun >= GOOD_AFTER) this.level = 'good';
    }
    return before !== this.level;
  }
}

/**
 * When a direction cannot carry useful video: receiving when our downlink
 * loses a quarter of its packets or remote video stays near-still for 8 s;
 * sending when the SFU sees a quarter of our packets lost for 8 s.
 */
export class AudioOnlyAdvisor {
  private recvBad = 0;
  private sendBad = 0;

  /** Returns the direction(s) to turn audio-only now, if any. */
  advise(sample: LinkSample): { receive: boolean; send: boolean } {
    const recvBad = sample.level !== 'lost' && (sample.downlinkLossPct >= 25 || (sample.videoExpected && sample.videoFps < 3 && sample.freezeS >= 1.5));
    const sendBad = sample.level !== 'lost' && sample.uplinkLossPct >= 25;
    this.recvBad = recvBad ? this.recvBad + 1 : 0;
    this.sendBad = sendBad ? this.sendBad + 1 : 0;
    const runs = 4; // 4 samples × 2 s
    return { receive: this.recvBad >= runs, send: this.sendBad >= runs };
  }

  reset(): void {
    this.recvBad = 0;
    this.sendBad = 0;
  }
}

/**
 * On a poor link the page plays out later: audio waits long enough for the
 * next packet's FEC and for reordered packets, video long enough for a lost
 * packet's retransmission (one round trip to the SFU), so a lost packet costs
 * delay instead of a freeze. A good link goes back to the browser's own
 * (shortest) buffer.
 */
export function playoutDelayMs(kind: 'audio' | 'video', level: LinkQuality, rttMs: number): number | null {
  if (level === 'good') return null;
  return kind === 'audio' ? 150 : Math.min(800, Math.max(300, Math.round(rttMs * 1.5)));
}

export function setPlayoutDelay(receiver: RTCRtpReceiver | undefined, ms: number | null): void {
  if (!receiver || !('jitterBufferTarget' in receiver)) return;
  try {
    (receiver as RTCRtpReceiver & { jitterBufferTarget: number | null }).jitterBufferTarget = ms;
  } catch {
    // Out of range for this engine: keep its default.
  }
}
