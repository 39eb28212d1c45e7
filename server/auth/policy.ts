/**
 * The one place that decides who may do what. HTTP routes and socket
 * handlers ask `can()`; nothing else compares roles.
 */
import type { ParticipantRole } from '../signalling/protocol.ts';

export type StaffRole = 'admin' | 'mediator' | 'arbitrator' | 'clerk';
export const staffRoles: readonly StaffRole[] = ['admin', 'mediator', 'arbitrator', 'clerk'];
export const partyRoles = ['applicant', 'respondent', 'applicant_agent', 'respondent_agent', 'expert', 'witness'] as const;
export type PartyRole = (typeof partyRoles)[number];

export type Actor = { kind: 'staff'; userId: string; role: StaffRole } | { kind: 'party'; role: ParticipantRole; roomId: string };

export type Action =
  | 'room:create'
  | 'room:list'
  | 'invitation:create'
  /** Enter a room's media as staff (host or clerk). */
  | 'room:enter';

const staffMatrix: Record<Action, readonly StaffRole[]> = {
  'room:create': ['admin', 'mediator', 'arbitrator', 'clerk'],
  'room:list': ['admin', 'mediator', 'arbitrator', 'clerk'],
  'invitation:create': ['admin', 'mediator', 'arbitrator', 'clerk'],
  'room:enter': ['admin', 'mediator', 'arbitrator', 'clerk'],
};

export function can(actor: Actor, action: Action): boolean {
  if (actor.kind === 'party') return false; // parties act only through their invitation, never on the API
  return staffMatrix[action].includes(actor.role);
}

export function isStaffRole(role: string): role is StaffRole {
  return (staffRoles as readonly string[]).includes(role);
}
