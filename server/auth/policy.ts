/**
 * The one place that decides who may do what. HTTP routes and socket
 * handlers ask `can()`; nothing else compares roles.
 *
 * "Own" means: for a clerk or an admin, a case of their organisation (an
 * admin without organisation runs the platform and owns everything); for a
 * mediator or arbitrator, a case assigned to them; for a party, the case
 * their invitation or tracking code belongs to. A room without a case
 * (made from /console) belongs to its organisation in the same way: its
 * organisation's admins and clerks, and its creator (as long as they are
 * in that organisation) in place of the assigned mediator.
 */
import type { ParticipantRole } from '../signalling/protocol.ts';

export type StaffRole = 'admin' | 'mediator' | 'arbitrator' | 'clerk';
export const staffRoles: readonly StaffRole[] = ['admin', 'mediator', 'arbitrator', 'clerk'];
export const partyRoles = ['applicant', 'respondent', 'applicant_agent', 'respondent_agent', 'expert', 'witness'] as const;
export type PartyRole = (typeof partyRoles)[number];

export type Actor =
  | { kind: 'staff'; userId: string; role: StaffRole; organisationId: string | null; name: string; confidentialAccess?: boolean }
  | { kind: 'party'; role: ParticipantRole; caseId: string | null; roomId: string | null; invitationId: string | null; name: string };

export type StaffActor = Extract<Actor, { kind: 'staff' }>;

/** What an action is done to: enough facts to tell "own" from "foreign". */
export interface CaseScope {
  caseId: string | null;
  organisationId: string | null;
  assignedUserId: string | null;
  /** For rooms without a case: who created it (`organisationId` is then the room's own organisation). */
  createdBy?: string | null;
}

export type Action =
  | 'organisation:manage'
  | 'staff:manage'
  | 'stats:view'
  | 'case:list'
  | 'case:view'
  | 'case:accept'
  | 'case:assign'
  | 'case:schedule'
  | 'case:close'
  /** Approve the one extension of the award period (调解仲裁法 art. 43), for the commission. */
  | 'case:extend'
  | 'case:audit'
  | 'evidence:upload'
  | 'counterclaim:file'
  | 'invitation:create'
  | 'followup:create'
  | 'rating:submit'
  | 'room:create'
  | 'room:enter'
  /** Lead a live session: private talks, hearing phases, muting, removing. */
  | 'session:host'
  /** Let waiting participants in after checking who they are. */
  | 'session:admit'
  | 'recording:view'
  /** Private talks in recordings: the mediator or arbitrator of the case, and clerks authorised for it. */
  | 'recording:confidential'
  /** Draft an agreement, confirmation or hearing record and send it for signature. */
  | 'document:draft'
  /** Sign a document: each party (or agent) for its side; the mediator or arbitrator of the case, last. */
  | 'document:sign'
  /** Take the signed document (parties their copy; staff also the judicial-confirmation package). */
  | 'document:download';

type Rule = 'never' | 'any' | 'own';

/** Per action and role: who may, and whether the case must be their own. Actions without a scope only know 'any'/'never'. */
const matrix: Record<Action, Partial<Record<ParticipantRole, Rule>>> = {
  'organisation:manage': { admin: 'own' },
  'staff:manage': { admin: 'own' },
  'stats:view': { admin: 'any', clerk: 'any' },
  'case:list': { admin: 'any', clerk: 'any', mediator: 'any', arbitrator: 'any' },
  'case:view': {
    admin: 'own',
    clerk: 'own',
    mediator: 'own',
    arbitrator: 'own',
    applicant: 'own',
    respondent: 'own',
    applicant_agent: 'own',
    respondent_agent: 'own',
  },
  'case:accept': { admin: 'own', clerk: 'own' },
  'case:assign': { admin: 'own', clerk: 'own' },
  'case:schedule': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'case:close': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'case:extend': { admin: 'own', clerk: 'own' },
  'case:audit': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'evidence:upload': {
    admin: 'own',
    clerk: 'own',
    mediator: 'own',
    arbitrator: 'own',
    applicant: 'own',
    respondent: 'own',
    applicant_agent: 'own',
    respondent_agent: 'own',
  },
  'counterclaim:file': { respondent: 'own', respondent_agent: 'own' },
  'invitation:create': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'followup:create': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'rating:submit': { applicant: 'own', respondent: 'own', applicant_agent: 'own', respondent_agent: 'own' },
  'room:create': { admin: 'any', clerk: 'any', mediator: 'any', arbitrator: 'any' },
  'room:enter': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'session:host': { admin: 'own', mediator: 'own', arbitrator: 'own' },
  'session:admit': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'recording:view': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'recording:confidential': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'document:draft': { admin: 'own', clerk: 'own', mediator: 'own', arbitrator: 'own' },
  'document:sign': { mediator: 'own', arbitrator: 'own', applicant: 'own', respondent: 'own', applicant_agent: 'own', respondent_agent: 'own' },
  'document:download': {
    admin: 'own',
    clerk: 'own',
    mediator: 'own',
    arbitrator: 'own',
    applicant: 'own',
    respondent: 'own',
    applicant_agent: 'own',
    respondent_agent: 'own',
  },
};

function owns(actor: Actor, scope: CaseScope): boolean {
  if (actor.kind === 'party') return scope.caseId !== null && actor.caseId === scope.caseId;
  switch (actor.role) {
    case 'admin':
      return actor.organisationId === null || actor.organisationId === scope.organisationId;
    case 'clerk':
      return actor.organisationId !== null && actor.organisationId === scope.organisationId;
    case 'mediator':
    case 'arbitrator':
      // A room without a case: its creator, while still in the room's organisation.
      if (scope.caseId === null) return !!scope.createdBy && scope.createdBy === actor.userId && scope.organisationId === actor.organisationId;
      return scope.assignedUserId === actor.userId;
  }
}

export function can(actor: Actor, action: Action, scope?: CaseScope): boolean {
  if (action === 'recording:confidential' && actor.kind === 'staff' && actor.role === 'clerk' && !actor.confidentialAccess) return false;
  const rule = matrix[action][actor.role] ?? 'never';
  if (rule === 'never') return false;
  if (rule === 'any') return true;
  // 'own' with no scope: organisation-level actions (an admin managing their own organisation).
  if (!scope) return actor.kind === 'staff';
  return owns(actor, scope);
}

export function isStaffRole(role: string): role is StaffRole {
  return (staffRoles as readonly string[]).includes(role);
}
