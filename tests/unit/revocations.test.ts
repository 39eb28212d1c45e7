/** The revocation bus: subscribers hear every withdrawal; recent ones are remembered for handshakes under way, and re-enabling forgets. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Revocations, subjectOf, subjectRoom, type Revocation } from '../../server/auth/revocations.ts';

afterEach(() => vi.useRealTimers());

describe('Revocations', () => {
  it('tells subscribers and remembers the reason for a while', () => {
    vi.useFakeTimers();
    const revocations = new Revocations();
    const heard: Revocation[] = [];
    const off = revocations.subscribe((r) => heard.push(r));
    revocations.revoke('invite:1', 'revoked');
    revocations.revoke('staff:2', 'disabled');
    expect(heard).toEqual([
      { subject: 'invite:1', reason: 'revoked' },
      { subject: 'staff:2', reason: 'disabled' },
    ]);
    expect(revocations.reasonFor('invite:1')).toBe('revoked');
    expect(revocations.reasonFor('staff:3')).toBeUndefined();
    revocations.restore('staff:2');
    expect(revocations.reasonFor('staff:2')).toBeUndefined();
    // Beyond any handshake's duration the store alone decides (it keeps the revocation for ever).
    vi.advanceTimersByTime(11 * 60_000);
    expect(revocations.reasonFor('invite:1')).toBeUndefined();
    off();
    revocations.revoke('invite:4', 'removed');
    expect(heard).toHaveLength(2);
  });

  it('names subjects as sockets are identified', () => {
    expect(subjectOf({ kind: 'staff', userId: 'u', role: 'clerk', organisationId: null, name: '' })).toBe('staff:u');
    expect(subjectOf({ kind: 'party', invitationId: 'i' })).toBe('invite:i');
    expect(subjectRoom('invite:i')).toBe('subject:invite:i');
  });
});
