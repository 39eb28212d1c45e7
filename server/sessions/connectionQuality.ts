/**
 * Each participant's connection quality in a live session: good / poor /
 * lost. Two sources, the worse one wins:
 *  - the participant's own report (`session:quality`, from its getStats:
 *    loss, round trip, frozen video; a report counts at most once a second),
 *  - the SFU: the scores mediasoup gives the participant's producers (its
 *    uplink) and consumers (its downlink), and a dropped connection (lost).
 * Every change of the resulting level is handed to `onChange`, which writes
 * it into the session log: consecutive entries make the periods that the
 * manifest and the hearing record show.
 */
import type { types } from 'mediasoup';
import type { LinkQuality, RequestPayload } from '../signalling/protocol.ts';

export type QualityReport = RequestPayload<'session:quality'>;

export interface QualityChange {
  subject: string;
  level: LinkQuality;
  /** Whose measurement decided it. */
  source: 'client' | 'sfu' | 'connection';
  lossPct?: number;
  rttMs?: number;
}

interface Link {
  client: LinkQuality;
  clientAt: number;
  last?: QualityReport;
  /** Lowest recent score (0–10) per producer/consumer id. */
  scores: Map<string, number>;
  sfu: LinkQuality;
  connected: boolean;
  level: LinkQuality | null;
}

/** Reports closer together than this are answered but ignored. */
export const MIN_REPORT_INTERVAL_MS = 1_000;
/** A client report older than this no longer counts (its page stopped reporting). */
const REPORT_TTL_MS = 30_000;
/** mediasoup scores: below POOR_SCORE the link is poor, from GOOD_SCORE on it is good again. */
const POOR_SCORE = 5;
const GOOD_SCORE = 8;

const rank: Record<LinkQuality, number> = { good: 0, poor: 1, lost: 2 };
const worse = (a: LinkQuality, b: LinkQuality): LinkQuality => (rank[a] >= rank[b] ? a : b);

export class ConnectionQuality {
  private readonly links = new Map<string, Link>();

  constructor(private readonly onChange: (change: QualityChange) => void) {}

  levelOf(subject: string): LinkQuality | null {
    return this.links.get(subject)?.level ?? null;
  }

  /** The participant's media peer is in the room: good until told otherwise. */
  connected(subject: string): void {
    const link = this.link(subject);
    link.connected = true;
    link.client = 'good';
    link.clientAt = 0;
    link.scores.clear();
    link.sfu = 'good';
    this.update(subject, 'connection');
  }

  /** The participant's media peer is gone (dropped, left or removed). */
  disconnected(subject: string, stillExpected: boolean): void {
    const link = this.links.get(subject);
    if (!link) return;
    link.connected = false;
    // Gone for good: the log's participant.left ends an open period.
    if (stillExpected) this.update(subject, 'connection');
    else this.links.delete(subject);
  }

  /** Returns whether the report counted (false: too soon after the previous one). */
  report(subject: string, report: QualityReport, now = Date.now()): boolean {
    const link = this.links.get(subject);
    if (!link || !link.connected) return false;
    if (link.clientAt && now - link.clientAt < MIN_REPORT_INTERVAL_MS) return false;
    link.client = report.level;
    link.clientAt = now;
    link.last = report;
    this.update(subject, 'client');
    return true;
  }

  /** Follows the scores of one of the participant's producers or consumers. */
  watch(subject: string, item: types.Producer | types.Consumer): void {
    const onScore = (score: number) => {
      const link = this.links.get(subject);
      if (!link || !link.connected) return;
      link.scores.set(item.id, score);
      const lowest = Math.min(...link.scores.values());
      const next = lowest < POOR_SCORE ? 'poor' : lowest >= GOOD_SCORE ? 'good' : link.sfu;
      if (next === link.sfu) return;
      link.sfu = next;
      this.update(subject, 'sfu');
    };
    // Producer and Consumer emitters differ in type; both emit 'score' and close through the observer.
    const emitter = item as unknown as { on(event: 'score', listener: (score: types.ProducerScore[] | types.ConsumerScore) => void): void };
    const observer = item.observer as unknown as { once(event: 'close', listener: () => void): void };
    emitter.on('score', (score) => {
      // A paused or idle stream scores 0 without meaning loss: only count streams that carry media.
      if (Array.isArray(score)) {
        if (score.length > 0 && !(item as types.Producer).paused) onScore(Math.max(...score.map((s) => s.score)));
      } else if (!(item as types.Consumer).paused && !(item as types.Consumer).producerPaused) {
        onScore(score.score);
      }
    });
    observer.once('close', () => {
      const link = this.links.get(subject);
      if (link?.scores.delete(item.id) && link.scores.size === 0 && link.sfu !== 'good') {
        link.sfu = 'good';
        this.update(subject, 'sfu');
      }
    });
  }

  private link(subject: string): Link {
    let link = this.links.get(subject);
    if (!link) {
      link = { client: 'good', clientAt: 0, scores: new Map(), sfu: 'good', connected: false, level: null };
      this.links.set(subject, link);
    }
    return link;
  }

  private update(subject: string, source: QualityChange['source']): void {
    const link = this.links.get(subject);
    if (!link) return;
    const client = link.clientAt && Date.now() - link.clientAt > REPORT_TTL_MS ? 'good' : link.client;
    const level: LinkQuality = link.connected ? worse(client, link.sfu) : 'lost';
    if (level === link.level) return;
    const decidedBy = !link.connected ? 'connection' : level === link.client && source !== 'sfu' ? 'client' : level === link.sfu ? 'sfu' : source;
    this.emit(subject, link, level, decidedBy);
  }

  private emit(subject: string, link: Link, level: LinkQuality, source: QualityChange['source']): void {
    const first = link.level === null;
    link.level = level;
    // Joining with a good link is no event; every later change is.
    if (first && level === 'good') return;
    this.onChange({ subject, level, source, lossPct: link.last?.lossPct, rttMs: link.last?.rttMs });
  }
}

/** One poor or lost stretch of a participant's connection, from the session log. */
export interface QualityPeriod {
  name: string;
  role: string;
  level: 'poor' | 'lost';
  from: string;
  /** null: still open when the log ends. */
  to: string | null;
  seconds: number | null;
}

/** Periods of poor or lost connection per participant, from `connection.quality` (and `participant.left`) events in time order. */
export function qualityPeriods(events: { kind: string; at: string; detail: Record<string, unknown> }[], endAt?: string | null): QualityPeriod[] {
  const open = new Map<string, QualityPeriod>();
  const periods: QualityPeriod[] = [];
  const close = (period: QualityPeriod, at: string | null) => {
    period.to = at;
    period.seconds = at ? Math.max(0, Math.round((Date.parse(at) - Date.parse(period.from)) / 100) / 10) : null;
  };
  for (const event of events) {
    const name = String(event.detail.name ?? '');
    if (event.kind === 'participant.left') {
      for (const [key, period] of open) {
        if (period.name !== name) continue;
        close(period, event.at);
        open.delete(key);
      }
      continue;
    }
    if (event.kind !== 'connection.quality') continue;
    const role = String(event.detail.role ?? '');
    const level = event.detail.level;
    const key = `${name}|${role}`;
    const current = open.get(key);
    if (current && current.level !== level) {
      close(current, event.at);
      open.delete(key);
    }
    if ((level === 'poor' || level === 'lost') && !open.has(key)) {
      const period: QualityPeriod = { name, role, level, from: event.at, to: null, seconds: null };
      periods.push(period);
      open.set(key, period);
    }
  }
  for (const period of open.values()) close(period, endAt ?? null);
  return periods;
}
