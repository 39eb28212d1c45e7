/** Picks the builder for a document's kind. */
import type { DocumentKind } from '../store/schema.ts';
import type { CaseFacts } from './caseFacts.ts';
import type { DocumentContent, SignatureSlot } from './content.ts';
import { arbitrationRights } from './pdf/arbitrationRights.ts';
import { hearingRecord } from './pdf/hearingRecord.ts';
import { mediationAgreement } from './pdf/mediationAgreement.ts';
import type { Terms } from './terms.ts';

const builders: Record<DocumentKind, (facts: CaseFacts, terms: Terms, signers: readonly SignatureSlot[]) => DocumentContent> = {
  mediation_agreement: mediationAgreement,
  arbitration_rights: arbitrationRights,
  hearing_record: hearingRecord,
};

export function buildContent(kind: DocumentKind, facts: CaseFacts, terms: Terms, signers: readonly SignatureSlot[]): DocumentContent {
  return builders[kind](facts, terms, signers);
}
