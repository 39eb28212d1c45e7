/**
 * Who hears whom, as pure functions of the session's state. Media, chat,
 * speaker events and shared evidence all follow these rules, so a private
 * talk is private in every channel at once.
 */
import type { ParticipantRole, Side } from '../signalling/protocol.ts';

export function sideOf(role: ParticipantRole): Side {
  switch (role) {
    case 'applicant':
    case 'applicant_agent':
      return 'applicant';
    case 'respondent':
    case 'respondent_agent':
      return 'respondent';
    case 'expert':
    case 'witness':
      return 'neutral';
    default:
      return 'staff';
  }
}

export interface AudienceMember {
  id: string;
  side: Side;
  admitted: boolean;
}

export interface PrivateTalk {
  side: 'applicant' | 'respondent';
}

/**
 * The group a participant hears and is heard in: everyone admitted in the
 * joint session; during a private talk, staff with the chosen side, each
 * other side among itself, and each guest alone. `null`: hears nobody.
 */
export function groupOf(member: AudienceMember, talk: PrivateTalk | null): string | null {
  if (!member.admitted) return null;
  if (!talk) return 'all';
  if (member.side === 'staff' || member.side === talk.side) return `talk:${talk.side}`;
  if (member.side === 'neutral') return `alone:${member.id}`;
  return `outside:${member.side}`;
}

export function canHear(receiver: AudienceMember, sender: AudienceMember, talk: PrivateTalk | null): boolean {
  // Staff see and hear whoever waits in the lobby: that is how identity is checked.
  if (receiver.side === 'staff' && !sender.admitted) return true;
  const group = groupOf(receiver, talk);
  return group !== null && group === groupOf(sender, talk);
}

/** Evidence shared in a group may be opened by members of that group, and by staff. */
export function mayOpen(audience: string, member: AudienceMember): boolean {
  if (member.side === 'staff' || audience === 'all') return true;
  const [kind, who] = audience.split(':');
  if (kind === 'talk' || kind === 'outside') return who === member.side;
  return kind === 'alone' && who === member.id;
}
