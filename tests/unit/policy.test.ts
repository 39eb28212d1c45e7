/**
 * The whole permission matrix: every role × every action × own case /
 * foreign case. The expectations are written out here by hand, from the
 * roles' jobs, not derived from the policy's own table.
 */
import { describe, expect, it } from 'vitest';
import { can, type Action, type Actor, type CaseScope } from '../../server/auth/policy.ts';

const ORG = 'org-own';
const OTHER_ORG = 'org-other';
const ME = 'user-me';
const CASE = 'case-own';

const staff = (role: 'admin' | 'clerk' | 'mediator' | 'arbitrator', organisationId: string | null = ORG): Actor => ({
  kind: 'staff',
  userId: ME,
  role,
  organisationId,
  name: role,
});
const party = (role: 'applicant' | 'respondent' | 'applicant_agent' | 'respondent_agent' | 'expert' | 'witness'): Actor => ({
  kind: 'party',
  role,
  caseId: CASE,
  roomId: 'room',
  invitationId: 'inv',
  name: role,
});

/** "Own" as each kind of actor owns a case: in their organisation and assigned to them, the party's own case. */
const ownCase: CaseScope = { caseId: CASE, organisationId: ORG, assignedUserId: ME };
/** Foreign in every sense: another organisation, assigned to someone else, another case. */
const foreignCase: CaseScope = { caseId: 'case-other', organisationId: OTHER_ORG, assignedUserId: 'someone-else' };

const actors: Record<string, Actor> = {
  admin: staff('admin'),
  platformAdmin: staff('admin', null),
  clerk: staff('clerk'),
  mediator: staff('mediator'),
  arbitrator: staff('arbitrator'),
  applicant: party('applicant'),
  respondent: party('respondent'),
  applicant_agent: party('applicant_agent'),
  respondent_agent: party('respondent_agent'),
  expert: party('expert'),
  witness: party('witness'),
};

// [own, foreign] per actor; one letter per actor in the order of `actors`:
//                          admin  platAdm clerk  mediat arbitr  appl   resp   applAg respAg expert witness
const expected: Record<Action, [string, string]> = {
  'case:view':            ['YYYYYYYYY..', '.Y.........'],
  'case:accept':          ['YYY........', '.Y.........'],
  'case:assign':          ['YYY........', '.Y.........'],
  'case:schedule':        ['YYYYY......', '.Y.........'],
  'case:close':           ['YYYYY......', '.Y.........'],
  // The commission's approval of the award extension, recorded by its admin or clerk.
  'case:extend':          ['YYY........', '.Y.........'],
  'case:audit':           ['YYYYY......', '.Y.........'],
  'evidence:upload':      ['YYYYYYYYY..', '.Y.........'],
  'counterclaim:file':    ['......Y.Y..', '...........'],
  'invitation:create':    ['YYYYY......', '.Y.........'],
  'followup:create':      ['YYYYY......', '.Y.........'],
  'rating:submit':        ['.....YYYY..', '...........'],
  'room:enter':           ['YYYYY......', '.Y.........'],
  'session:host':         ['YY.YY......', '.Y.........'],
  'session:admit':        ['YYYYY......', '.Y.........'],
  'recording:view':       ['YYYYY......', '.Y.........'],
  // A clerk needs the explicit authorisation, tested below.
  'recording:confidential': ['YY.YY......', '.Y.........'],
  // Clerks prepare documents too (the hearing record is theirs); only the case's mediator or arbitrator signs for the tribunal.
  'document:draft':       ['YYYYY......', '.Y.........'],
  'document:sign':        ['...YYYYYY..', '...........'],
  'document:download':    ['YYYYYYYYY..', '.Y.........'],
  // Actions that do not depend on a case: the same answer for "own" and "foreign".
  'case:list':            ['YYYYY......', 'YYYYY......'],
  'stats:view':           ['YYY........', 'YYY........'],
  'room:create':          ['YYYYY......', 'YYYYY......'],
  'organisation:manage':  ['YY.........', 'YY.........'],
  'staff:manage':         ['YY.........', 'YY.........'],
};

const unscoped = new Set<Action>(['case:list', 'stats:view', 'room:create', 'organisation:manage', 'staff:manage']);

describe('permission matrix', () => {
  const names = Object.keys(actors);
  for (const [action, [own, foreign]] of Object.entries(expected) as [Action, [string, string]][]) {
    it(`${action}`, () => {
      expect(own).toHaveLength(names.length);
      names.forEach((name, i) => {
        const actor = actors[name]!;
        const ownScope = unscoped.has(action) ? undefined : ownCase;
        const foreignScope = unscoped.has(action) ? undefined : foreignCase;
        expect(can(actor, action, ownScope), `${name} ${action} own`).toBe(own[i] === 'Y');
        expect(can(actor, action, foreignScope), `${name} ${action} foreign`).toBe(foreign[i] === 'Y');
      });
    });
  }

  it('covers every action the policy knows', () => {
    const all: Action[] = Object.keys(expected) as Action[];
    expect(all.sort()).toEqual(
      [
        'organisation:manage', 'staff:manage', 'stats:view', 'case:list', 'case:view', 'case:accept', 'case:assign', 'case:schedule',
        'case:close', 'case:extend', 'case:audit', 'evidence:upload', 'counterclaim:file', 'invitation:create', 'followup:create', 'rating:submit',
        'room:create', 'room:enter', 'session:host', 'session:admit', 'recording:view', 'recording:confidential',
        'document:draft', 'document:sign', 'document:download',
      ].sort(),
    );
  });

  it('a clerk of another organisation does not own the case, even when assigned elsewhere matches', () => {
    const clerkElsewhere = staff('clerk', OTHER_ORG);
    expect(can(clerkElsewhere, 'case:accept', ownCase)).toBe(false);
    const mediatorInOrgNotAssigned = staff('mediator');
    expect(can(mediatorInOrgNotAssigned, 'case:view', { ...ownCase, assignedUserId: 'someone-else' })).toBe(false);
  });

  it('confidential recordings open for a clerk only with the authorisation', () => {
    const authorised: Actor = { kind: 'staff', userId: ME, role: 'clerk', organisationId: ORG, name: 'clerk', confidentialAccess: true };
    expect(can(authorised, 'recording:confidential', ownCase)).toBe(true);
    expect(can(authorised, 'recording:confidential', foreignCase)).toBe(false);
    expect(can(staff('clerk'), 'recording:confidential', ownCase)).toBe(false);
  });

  it('rooms without a case belong to their organisation (admins, clerks) and to their creator while in it', () => {
    const adHoc: CaseScope = { caseId: null, organisationId: ORG, assignedUserId: null, createdBy: ME };
    const othersRoom: CaseScope = { ...adHoc, createdBy: 'someone-else' };
    const foreignRoom: CaseScope = { caseId: null, organisationId: OTHER_ORG, assignedUserId: null, createdBy: 'someone-else' };
    const platformRoom: CaseScope = { caseId: null, organisationId: null, assignedUserId: null, createdBy: 'someone-else' };
    const roomActions: Action[] = ['room:enter', 'session:admit', 'invitation:create', 'recording:view'];
    for (const action of roomActions) {
      // Own organisation: its admin and clerk; the creator (mediator or arbitrator); not another mediator.
      expect(can(staff('admin'), action, othersRoom), `admin ${action} own org`).toBe(true);
      expect(can(staff('clerk'), action, othersRoom), `clerk ${action} own org`).toBe(true);
      expect(can(staff('mediator'), action, adHoc), `creator ${action}`).toBe(true);
      expect(can(staff('arbitrator'), action, adHoc), `creator ${action}`).toBe(true);
      expect(can(staff('mediator'), action, othersRoom), `other mediator ${action}`).toBe(false);
      // Another organisation: nobody but the platform admin, whatever the role.
      for (const role of ['admin', 'clerk', 'mediator', 'arbitrator'] as const) {
        expect(can(staff(role, OTHER_ORG), action, adHoc), `${role} of another organisation ${action}`).toBe(false);
        expect(can(staff(role), action, foreignRoom), `${role} ${action} foreign org`).toBe(false);
      }
      expect(can(staff('admin', null), action, foreignRoom), `platform admin ${action}`).toBe(true);
      // The platform admin's own rooms have no organisation: no organisation's staff own them.
      expect(can(staff('admin', null), action, platformRoom)).toBe(true);
      expect(can(staff('admin'), action, platformRoom)).toBe(false);
      expect(can(staff('clerk'), action, platformRoom)).toBe(false);
      // Parties never act on rooms by scope; their invitation binds them to one room.
      expect(can(party('applicant'), action, adHoc)).toBe(false);
    }
    // A creator moved to another organisation no longer owns the room.
    expect(can(staff('mediator', OTHER_ORG), 'room:enter', adHoc)).toBe(false);
    // Hosting: the organisation's admin and the creator; a clerk enters and admits but does not lead.
    expect(can(staff('admin'), 'session:host', othersRoom)).toBe(true);
    expect(can(staff('mediator'), 'session:host', adHoc)).toBe(true);
    expect(can(staff('clerk'), 'session:host', othersRoom)).toBe(false);
    expect(can(staff('admin', OTHER_ORG), 'session:host', adHoc)).toBe(false);
    // Confidential parts of an ad-hoc recording: the clerk only with the authorisation, and never across organisations.
    const authorisedClerk: Actor = { kind: 'staff', userId: 'c', role: 'clerk', organisationId: ORG, name: 'clerk', confidentialAccess: true };
    expect(can(authorisedClerk, 'recording:confidential', othersRoom)).toBe(true);
    expect(can({ ...authorisedClerk, organisationId: OTHER_ORG }, 'recording:confidential', othersRoom)).toBe(false);
    expect(can(staff('admin', OTHER_ORG), 'recording:confidential', adHoc)).toBe(false);
  });
});
