/**
 * The append-only audit log: who did what to which case, when, from where.
 * Only `record` writes; the database refuses updates and deletes (see the
 * 0002 migration's triggers).
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/policy.ts';
import type { Db } from '../store/database.ts';
import type { AuditEntry } from '../store/schema.ts';

export type AuditActor = Actor | { kind: 'public'; name: string } | { kind: 'system'; name: string };

export interface AuditContext {
  actor: AuditActor;
  ip: string | null;
}

export async function recordAudit(
  db: Db,
  context: AuditContext,
  entry: { caseId: string | null; action: string; detail?: Record<string, unknown> },
): Promise<void> {
  const { actor } = context;
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      case_id: entry.caseId,
      actor_kind: actor.kind,
      actor_id: actor.kind === 'staff' ? actor.userId : actor.kind === 'party' ? actor.invitationId : null,
      actor_name: actor.kind === 'staff' ? `${actor.name} (${actor.role})` : actor.kind === 'party' ? `${actor.name} (${actor.role})` : actor.name,
      action: entry.action,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: context.ip,
      at: new Date().toISOString(),
    })
    .execute();
}

export function auditTrail(db: Db, caseId: string): Promise<AuditEntry[]> {
  return db.selectFrom('audit_log').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
}
