/** The bearer tokens the server hands out. All are JWTs signed with the server secret. */
import type { PartyRole, StaffRole } from './policy.ts';

/** A staff login. */
export interface StaffClaims {
  typ: 'staff';
  sub: string;
  role: StaffRole;
  name: string;
}

/** What an invitation link carries: redeemable once, for a party token. `sub` is the invitation's id. */
export interface InviteClaims {
  typ: 'invite';
  sub: string;
  room: string;
}

/** A redeemed invitation: the party's credential for its room and case until the invitation expires. */
export interface PartyClaims {
  typ: 'party';
  sub: string;
  room: string;
  case: string | null;
  name: string;
  role: PartyRole;
}

export type TokenClaims = StaffClaims | InviteClaims | PartyClaims;
