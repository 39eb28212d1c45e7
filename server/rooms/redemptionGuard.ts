/**
 * Limits guessing of the 8-digit invitation codes (10^8 of them, a few
 * hundred live at a time). Three budgets of failed code redemptions, each
 * over a fixed window (15 minutes by default) from its first failure:
 *
 * - per address: after `perAddress` failures that address may redeem no
 *   code until the window ends (answered 429 TOO_MANY_ATTEMPTS);
 * - globally: after `global` failures from anywhere no code is redeemed
 *   until the window ends (429; invitation links keep working) — the bound
 *   on a guesser with many addresses;
 * - per code: a failed guess one digit away from a live code (one digit
 *   changed, or two neighbours swapped: a typo, or a guesser who knows most
 *   of it) counts against that code; after `perCode` such near misses the
 *   code itself is refused until the window ends, answered exactly like a
 *   wrong code, so the lock tells a guesser nothing.
 *
 * In memory, per server process; entries are only made by failures, which
 * the global budget bounds, so the maps stay small.
 */
import { LocalizedError } from '../errors.ts';

export interface GuardLimits {
  perAddress: number;
  perCode: number;
  global: number;
  windowMs: number;
}

export const defaultGuardLimits: GuardLimits = { perAddress: 10, perCode: 5, global: 50, windowMs: 15 * 60_000 };

class WindowCounter {
  private readonly entries = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  count(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    if (entry.resetAt <= this.now()) {
      this.entries.delete(key);
      return 0;
    }
    return entry.count;
  }

  add(key: string): void {
    const now = this.now();
    if (this.entries.size >= 10_000) this.prune(now);
    const entry = this.entries.get(key);
    if (entry && entry.resetAt > now) entry.count += 1;
    else this.entries.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
    // Still full (cannot happen while the global budget holds): forget the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size < 10_000) break;
      this.entries.delete(key);
    }
  }
}

const GLOBAL = '*';

export class RedemptionGuard {
  private readonly failures: WindowCounter;
  private readonly nearMisses: WindowCounter;

  constructor(
    private readonly limits: GuardLimits = defaultGuardLimits,
    now: () => number = Date.now,
  ) {
    this.failures = new WindowCounter(limits.windowMs, now);
    this.nearMisses = new WindowCounter(limits.windowMs, now);
  }

  /** Throws TOO_MANY_ATTEMPTS when this address, or everyone, has used up the budget. */
  assertOpen(address: string | null): void {
    if (this.failures.count(GLOBAL) >= this.limits.global || this.failures.count(`ip:${address ?? '-'}`) >= this.limits.perAddress) {
      throw new LocalizedError('TOO_MANY_ATTEMPTS', String(Math.ceil(this.limits.windowMs / 60_000)), 429);
    }
  }

  /** Whether a live code is locked by near misses. */
  codeLocked(invitationId: string): boolean {
    return this.nearMisses.count(invitationId) >= this.limits.perCode;
  }

  /** A failed code redemption from `address`; `nearOf` are the live invitations whose code the guess almost matched. */
  failed(address: string | null, nearOf: readonly string[]): void {
    this.failures.add(GLOBAL);
    this.failures.add(`ip:${address ?? '-'}`);
    for (const invitationId of nearOf) this.nearMisses.add(invitationId);
  }
}

/** The codes one typo away from `code`: one digit changed, or two neighbouring digits swapped. */
export function codeNeighbours(code: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < code.length; i++) {
    for (let d = 0; d <= 9; d++) {
      const digit = String(d);
      if (digit !== code[i]) out.add(code.slice(0, i) + digit + code.slice(i + 1));
    }
    if (i + 1 < code.length && code[i] !== code[i + 1]) out.add(code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2));
  }
  return [...out];
}
