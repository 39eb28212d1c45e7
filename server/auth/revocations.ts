/**
 * Withdrawn credentials: an invitation revoked (or withdrawn because its
 * guest was removed from the session) and a staff account disabled. The
 * store is the truth (every handshake and HTTP request re-reads the
 * invitation's revoked state and the account's disabled flag); this bus
 * tells the live sockets at once, so nobody keeps a connection opened
 * before the change. Recent revocations are also remembered for a while, so
 * a handshake that read the store just before the change is caught when it
 * connects. In-process, like the case and document buses.
 */
import { EventEmitter } from 'node:events';
import type { Actor } from './policy.ts';

/** Why a connection was cut; the pages show it (邀请已被撤回 / 账号已停用 / 您已被移出调解室). */
export type RevocationReason = 'revoked' | 'disabled' | 'removed';

export interface Revocation {
  /** `invite:<invitation id>` or `staff:<user id>`, as sockets are identified. */
  subject: string;
  reason: RevocationReason;
}

/** How long a revocation is remembered beyond the store: longer than any handshake takes. */
const REMEMBER_MS = 10 * 60_000;

export function subjectOf(actor: Extract<Actor, { kind: 'staff' }> | { kind: 'party'; invitationId: string }): string {
  return actor.kind === 'staff' ? `staff:${actor.userId}` : `invite:${actor.invitationId}`;
}

/** The socket.io room every socket of one subject joins, in every namespace. */
export const subjectRoom = (subject: string) => `subject:${subject}`;

export class Revocations {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly recent = new Map<string, { reason: RevocationReason; at: number }>();

  revoke(subject: string, reason: RevocationReason): void {
    this.forgetOld();
    this.recent.set(subject, { reason, at: Date.now() });
    this.emitter.emit('revoked', { subject, reason } satisfies Revocation);
  }

  /** A re-enabled account may connect again at once. */
  restore(subject: string): void {
    this.recent.delete(subject);
  }

  /** Whether the subject was revoked within the remembered window (the store knows for ever). */
  reasonFor(subject: string): RevocationReason | undefined {
    const entry = this.recent.get(subject);
    if (!entry) return undefined;
    if (Date.now() - entry.at > REMEMBER_MS) {
      this.recent.delete(subject);
      return undefined;
    }
    return entry.reason;
  }

  subscribe(listener: (revocation: Revocation) => void): () => void {
    this.emitter.on('revoked', listener);
    return () => this.emitter.off('revoked', listener);
  }

  private forgetOld(): void {
    const now = Date.now();
    for (const [subject, entry] of this.recent) if (now - entry.at > REMEMBER_MS) this.recent.delete(subject);
  }
}
