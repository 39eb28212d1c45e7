/**
 * What a phone page receives, measured inside the page: audio concealment
 * and FEC from inbound-rtp stats, video resolution, frame rate and freezes
 * (a freeze: no new frame for ≥ 600 ms, measured from every frame the
 * video element presents), per remote peer.
 */
import type { Page } from 'playwright-core';

export interface DirectionStats {
  peerId: string;
  audioConcealedPct: number;
  audioFecPackets: number;
  audioPacketsLost: number;
  audioPacketsReceived: number;
  width: number;
  height: number;
  fps: number;
  freezes: number;
  maxFreezeS: number;
  frozenS: number;
  seconds: number;
  /** The receiver had turned audio-only (no video expected). */
  audioOnly: boolean;
}

/** Installs the probe (idempotent) and starts a measurement window. */
export async function startProbe(page: Page): Promise<void> {
  await page.evaluate(`window.__name ??= (f) => f; (${startScript})()`);
}

/** Ends the window started by startProbe: one entry per remote peer heard or seen. */
export async function readProbe(page: Page): Promise<DirectionStats[]> {
  return (await page.evaluate(`window.__name ??= (f) => f; (${readScript})()`)) as DirectionStats[];
}

// Sent to the page as source text; tsx's esbuild wraps named functions in __name, which the shim provides.
const startScript = String(async () => {
    type Consumer = { kind: string; closed: boolean; track: MediaStreamTrack; appData: { peerId: string; source: string }; getStats(): Promise<RTCStatsReport> };
    type Probe = {
      watched: Map<string, { frames: number[]; video: HTMLVideoElement }>;
      base: Map<string, Record<string, number>>;
      startedAt: number;
      timer?: number;
    };
    const w = window as unknown as { __yunting?: { consumers: Map<string, Consumer> }; __probe?: Probe };
    const probe: Probe = w.__probe ?? { watched: new Map(), base: new Map(), startedAt: 0 };
    w.__probe = probe;
    const watch = () => {
      for (const consumer of w.__yunting?.consumers.values() ?? []) {
        if (consumer.kind !== 'video' || consumer.closed || consumer.appData.source !== 'camera') continue;
        const key = `${consumer.appData.peerId}|${consumer.track.id}`;
        if (probe.watched.has(key)) continue;
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.autoplay = true;
        video.style.cssText = 'position:fixed;left:0;top:0;width:32px;height:24px;opacity:0.01;pointer-events:none';
        video.srcObject = new MediaStream([consumer.track]);
        document.body.append(video);
        void video.play().catch(() => undefined);
        const entry = { frames: [] as number[], video };
        probe.watched.set(key, entry);
        const onFrame = () => {
          entry.frames.push(performance.now());
          if (entry.frames.length > 20_000) entry.frames.splice(0, 10_000);
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      }
    };
    watch();
    clearInterval(probe.timer);
    probe.timer = window.setInterval(watch, 500);
    probe.startedAt = performance.now();
    probe.base.clear();
    for (const consumer of w.__yunting?.consumers.values() ?? []) {
      if (consumer.closed) continue;
      const report = await consumer.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        probe.base.set(`${consumer.appData.peerId}|${s.kind}`, {
          concealed: Number(s.concealedSamples ?? 0),
          total: Number(s.totalSamplesReceived ?? 0),
          fec: Number(s.fecPacketsReceived ?? 0),
          lost: Number(s.packetsLost ?? 0),
          received: Number(s.packetsReceived ?? 0),
          frames: Number(s.framesDecoded ?? 0),
        });
      });
    }
});

const readScript = String(async () => {
    type Consumer = { kind: string; closed: boolean; track: MediaStreamTrack; appData: { peerId: string; source: string }; getStats(): Promise<RTCStatsReport> };
    const w = window as unknown as {
      __yunting?: { consumers: Map<string, Consumer> };
      __probe?: { watched: Map<string, { frames: number[] }>; base: Map<string, Record<string, number>>; startedAt: number };
    };
    const probe = w.__probe!;
    const now = performance.now();
    const seconds = (now - probe.startedAt) / 1000;
    const out = new Map<string, DirectionStats>();
    const of = (peerId: string): DirectionStats => {
      let entry = out.get(peerId);
      if (!entry) {
        entry = { peerId, audioConcealedPct: 0, audioFecPackets: 0, audioPacketsLost: 0, audioPacketsReceived: 0, width: 0, height: 0, fps: 0, freezes: 0, maxFreezeS: 0, frozenS: 0, seconds, audioOnly: false } as DirectionStats;
        out.set(peerId, entry!);
      }
      return entry!;
    };
    for (const consumer of w.__yunting?.consumers.values() ?? []) {
      if (consumer.closed) continue;
      const peerId = consumer.appData.peerId;
      if (consumer.kind === 'video' && consumer.appData.source !== 'camera') continue;
      if (consumer.kind === 'video' && (consumer as unknown as { paused: boolean }).paused) {
        of(peerId).audioOnly = true;
        continue;
      }
      const report = await consumer.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const base = probe.base.get(`${peerId}|${s.kind}`) ?? { concealed: 0, total: 0, fec: 0, lost: 0, received: 0, frames: 0 };
        const entry = of(peerId);
        // A consumer made anew in the window (after a rejoin) counts from zero.
        const fresh = Number(s.packetsReceived ?? 0) < base.received!;
        const delta = (value: unknown, from: number | undefined) => Number(value ?? 0) - (fresh ? 0 : from!);
        if (s.kind === 'audio') {
          const total = delta(s.totalSamplesReceived, base.total);
          const concealed = delta(s.concealedSamples, base.concealed);
          entry.audioConcealedPct = total > 0 ? (100 * concealed) / total : 100;
          entry.audioFecPackets = delta(s.fecPacketsReceived, base.fec);
          entry.audioPacketsLost = delta(s.packetsLost, base.lost);
          entry.audioPacketsReceived = delta(s.packetsReceived, base.received);
        } else {
          entry.width = Number(s.frameWidth ?? 0);
          entry.height = Number(s.frameHeight ?? 0);
          entry.fps = delta(s.framesDecoded, base.frames) / seconds;
        }
      });
    }
    const live = new Set([...(w.__yunting?.consumers.values() ?? [])].filter((c) => !c.closed && c.kind === 'video').map((c) => `${c.appData.peerId}|${c.track.id}`));
    for (const [key, watched] of probe.watched) {
      const peerId = key.split('|')[0]!;
      if (!out.has(peerId) || !live.has(key) || out.get(peerId)!.audioOnly) continue;
      const entry = of(peerId);
      // Frame presentation times inside the window, with its edges as bounds.
      const times = [probe.startedAt, ...watched.frames.filter((t) => t > probe.startedAt && t <= now), now];
      for (let i = 1; i < times.length; i++) {
        const gap = (times[i]! - times[i - 1]!) / 1000;
        if (gap >= 0.6) {
          entry.freezes++;
          entry.frozenS += gap;
        }
        entry.maxFreezeS = Math.max(entry.maxFreezeS, gap);
      }
    }
    return [...out.values()] as never;
});
