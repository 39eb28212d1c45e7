/**
 * Who may see a case's documents while a private talk (背对背) is under way:
 * the same rule as chat and evidence (`sessions/audience.ts`). Staff and
 * the side talking with the mediator see everything; the other side (and
 * guests) see only what has not changed since the talk began, and are sent
 * the current documents when it ends.
 */
import type { DocumentActor } from './documentService.ts';
import { sideOf } from '../sessions/audience.ts';
import type { LiveSessions } from '../sessions/liveSessions.ts';

export class DraftAudience {
  constructor(private readonly sessions: LiveSessions) {}

  /** Whether the document (last changed at `updatedAt`) is withheld from the actor now. */
  withholds(actor: DocumentActor, caseId: string, updatedAt: string): boolean {
    if (actor.kind === 'staff') return false;
    const side = sideOf(actor.role);
    return this.sessions.privateTalksOfCase(caseId).some((talk) => talk.side !== side && updatedAt >= talk.since);
  }

  /** Whether any change to the case's documents now would be withheld from the actor. */
  excludes(actor: DocumentActor, caseId: string): boolean {
    if (actor.kind === 'staff') return false;
    const side = sideOf(actor.role);
    return this.sessions.privateTalksOfCase(caseId).some((talk) => talk.side !== side);
  }

  /** Told when a case's private talk changes: those who were excluded may now see more. */
  onChange(listener: (caseId: string) => void): () => void {
    return this.sessions.onPrivateTalkChange(listener);
  }
}
