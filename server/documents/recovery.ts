/**
 * After a crash: a mediation agreement sealed just before the server died
 * may not yet have concluded its case (that step follows the seal). On
 * start, each such case is concluded now, in the host's name, unless the
 * case has moved since the seal.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { StaffActor } from '../auth/policy.ts';
import type { CaseService } from '../cases/caseService.ts';
import { canMove } from '../cases/workflow.ts';
import type { Db } from '../store/database.ts';

export async function concludeSealedAgreements(db: Db, cases: CaseService, log: FastifyBaseLogger): Promise<void> {
  const sealed = await db
    .selectFrom('documents')
    .innerJoin('cases', 'cases.id', 'documents.case_id')
    .select(['documents.id as documentId', 'documents.case_id as caseId', 'documents.current_version as version', 'documents.finalised_at as finalisedAt', 'cases.status as caseStatus'])
    .where('documents.kind', '=', 'mediation_agreement')
    .where('documents.status', '=', 'final')
    .execute();
  for (const row of sealed) {
    if (!row.finalisedAt || !canMove(row.caseStatus, 'agreement_signed')) continue;
    try {
      const movedSince = await db.selectFrom('case_status_events').select('id').where('case_id', '=', row.caseId).where('at', '>', row.finalisedAt).executeTakeFirst();
      if (movedSince) continue;
      const finalised = await db
        .selectFrom('document_events')
        .select('actor_id')
        .where('document_id', '=', row.documentId)
        .where('kind', '=', 'finalised')
        .executeTakeFirst();
      const user = finalised?.actor_id ? await db.selectFrom('users').selectAll().where('id', '=', finalised.actor_id).executeTakeFirst() : undefined;
      if (!user) continue;
      const host: StaffActor = { kind: 'staff', userId: user.id, role: user.role, organisationId: user.organisation_id, name: user.display_name };
      await cases.conclude(host, row.caseId, { status: 'agreement_signed', outcome: 'agreement', note: `调解协议书第 ${row.version} 版已签署（重启后补记）` }, { ip: null });
      log.warn({ caseId: row.caseId, documentId: row.documentId }, 'concluded a case whose agreement was sealed just before a crash');
    } catch (error) {
      log.error({ err: error, caseId: row.caseId, documentId: row.documentId }, 'could not conclude the case of a sealed agreement');
    }
  }
}
