/** The two kinds of bearer token and their claims. Both are JWTs signed with the server secret. */
import type { ParticipantRole } from '../signalling/protocol.ts';
import type { PartyRole, StaffRole } from './policy.ts';

export interface StaffClaims {
  typ: 'staff';
  sub: string;
  role: StaffRole;
  name: string;
}

/** Bound to one room, one person and one role; `sub` is the stored invitation's id. */
export interface InviteClaims {
  typ: 'invite';
  sub: string;
  room: string;
  name: string;
  role: PartyRole;
}

export type TokenClaims = StaffClaims | InviteClaims;

export interface VerifiedInvite {
  invitationId: string;
  roomId: string;
  displayName: string;
  role: ParticipantRole;
  expiresAt: string;
}
