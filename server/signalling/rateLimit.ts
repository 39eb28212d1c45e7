/**
 * Per-socket token buckets, one per request class: chat, session actions
 * (each one re-applies the room's rules and pushes state to everyone) and
 * media requests. A refused request costs a strike; a socket that runs out
 * of strikes (keeps flooding far beyond its limits) is disconnected.
 */
import type { RequestName } from './protocol.ts';

export interface Rate {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many may come at once. */
  burst: number;
}

export type RequestClass = 'chat' | 'session' | 'media' | 'other' | 'invalid';

export interface SocketRateLimits {
  classes: Record<RequestClass, Rate>;
  /** Refusals a socket may collect (refilled at `perSecond`) before it is disconnected. */
  strikes: Rate;
}

export const defaultSocketRateLimits: SocketRateLimits = {
  classes: {
    chat: { perSecond: 5, burst: 10 },
    // admit, mute, hand, private talk, phase: each reconciles the room and sends everyone a snapshot.
    session: { perSecond: 5, burst: 20 },
    // Joining a full room consumes and resumes every producer at once.
    media: { perSecond: 50, burst: 200 },
    other: { perSecond: 10, burst: 30 },
    // Malformed payloads, unknown events and requests without an acknowledgement: cheap to refuse, so generous.
    invalid: { perSecond: 50, burst: 500 },
  },
  strikes: { perSecond: 2, burst: 100 },
};

export function classOf(name: RequestName): RequestClass {
  if (name === 'chat:send') return 'chat';
  if (name.startsWith('session:') || name.startsWith('notes:')) return 'session';
  if (name.startsWith('consumer:') || name.startsWith('producer:') || name.startsWith('transport:') || name.startsWith('room:')) return 'media';
  return 'other';
}

export class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(private readonly rate: Rate) {
    this.tokens = rate.burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The buckets of one socket: whether to serve a request of a class, refuse it, or cut the socket. */
export function socketLimiter(limits: SocketRateLimits): (cls: RequestClass) => 'ok' | 'limited' | 'disconnect' {
  const buckets = new Map<RequestClass, TokenBucket>();
  const strikes = new TokenBucket(limits.strikes);
  return (cls) => {
    let bucket = buckets.get(cls);
    if (!bucket) buckets.set(cls, (bucket = new TokenBucket(limits.classes[cls])));
    if (bucket.take()) return 'ok';
    return strikes.take() ? 'limited' : 'disconnect';
  };
}
