import { describe, expect, it } from 'vitest';
import { canHear, groupOf, mayOpen, sideOf, type AudienceMember } from '../../server/sessions/audience.ts';

const member = (id: string, role: Parameters<typeof sideOf>[0], admitted = true): AudienceMember => ({ id, side: sideOf(role), admitted });
const mediator = member('m', 'mediator');
const clerk = member('c', 'clerk');
const worker = member('a', 'applicant');
const lawyer = member('al', 'applicant_agent');
const employer = member('r', 'respondent');
const employerAgent = member('ra', 'respondent_agent');
const expert = member('e', 'expert');
const waiting = member('w', 'respondent', false);

describe('who hears whom', () => {
  it('in the joint session everyone admitted hears everyone', () => {
    for (const a of [mediator, clerk, worker, lawyer, employer, employerAgent, expert]) {
      for (const b of [mediator, clerk, worker, lawyer, employer, employerAgent, expert]) expect(canHear(a, b, null)).toBe(true);
    }
  });

  it('in a private talk with the applicant side, the respondent side hears none of it', () => {
    const talk = { side: 'applicant' as const };
    for (const inside of [mediator, clerk, worker, lawyer]) {
      for (const outside of [employer, employerAgent, expert]) {
        expect(canHear(outside, inside, talk), `${outside.id} hears ${inside.id}`).toBe(false);
        expect(canHear(inside, outside, talk), `${inside.id} hears ${outside.id}`).toBe(false);
      }
    }
    expect(canHear(worker, mediator, talk)).toBe(true);
    expect(canHear(lawyer, worker, talk)).toBe(true);
    // The waiting side may confer among itself; a guest waits alone.
    expect(canHear(employer, employerAgent, talk)).toBe(true);
    expect(canHear(expert, employer, talk)).toBe(false);
    expect(groupOf(expert, talk)).toBe('alone:e');
  });

  it('someone in the lobby hears nobody and only staff see them', () => {
    expect(groupOf(waiting, null)).toBeNull();
    expect(canHear(waiting, mediator, null)).toBe(false);
    expect(canHear(mediator, waiting, null)).toBe(true);
    expect(canHear(worker, waiting, null)).toBe(false);
  });

  it('evidence shared in a private talk opens only for that side and staff', () => {
    expect(mayOpen('talk:applicant', worker)).toBe(true);
    expect(mayOpen('talk:applicant', employer)).toBe(false);
    expect(mayOpen('talk:applicant', mediator)).toBe(true);
    expect(mayOpen('all', employer)).toBe(true);
    expect(mayOpen('alone:e', expert)).toBe(true);
    expect(mayOpen('alone:e', worker)).toBe(false);
  });
});
