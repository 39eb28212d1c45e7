/**
 * For /track: the case's documents out for signature and the parties' places
 * still unsigned (the simplified-procedure consent before a hearing
 * included). Kinds and places only; the text itself needs a party's token.
 */
import type { Db } from '../store/database.ts';

export interface AwaitingDocument {
  id: string;
  kind: string;
  /** Party places (applicant, respondent, agents) whose signature is still missing. */
  pendingSlots: string[];
}

const partySlots = new Set(['applicant', 'applicant_agent', 'respondent', 'respondent_agent']);

export async function awaitingSignatures(db: Db, caseId: string): Promise<AwaitingDocument[]> {
  const documents = await db
    .selectFrom('documents')
    .innerJoin('document_versions', (join) =>
      join.onRef('document_versions.document_id', '=', 'documents.id').onRef('document_versions.version', '=', 'documents.current_version'),
    )
    .select(['documents.id', 'documents.kind', 'documents.current_version', 'document_versions.required_signers'])
    .where('documents.case_id', '=', caseId)
    .where('documents.status', '=', 'signing')
    .orderBy('documents.created_at')
    .execute();
  const result: AwaitingDocument[] = [];
  for (const doc of documents) {
    const signed = await db
      .selectFrom('document_signatures')
      .select('slot')
      .where('document_id', '=', doc.id)
      .where('version', '=', doc.current_version!)
      .execute();
    const done = new Set(signed.map((s) => s.slot));
    const pendingSlots = (JSON.parse(doc.required_signers) as string[]).filter((slot) => partySlots.has(slot) && !done.has(slot));
    if (pendingSlots.length) result.push({ id: doc.id, kind: doc.kind, pendingSlots });
  }
  return result;
}
