/**
 * The two PDF pipelines, top to bottom. A version: content from the case and
 * the terms → pages with signature places. The final: the signed version →
 * signatures put in place → audit pages → PKCS#7 seal. Each step is its own
 * file; this one only orders them.
 */
import { PDFDocument } from 'pdf-lib';
import { buildContent } from '../buildContent.ts';
import type { CaseFacts } from '../caseFacts.ts';
import type { SignatureSlot } from '../content.ts';
import type { SigningKey } from '../signingKey.ts';
import type { Terms } from '../terms.ts';
import type { DocumentKind } from '../../store/schema.ts';
import { appendAuditPages, auditText, type AuditPageInput } from './auditPage.ts';
import { embedFonts, type FontFiles } from './fonts.ts';
import { insertSignatures, signatureCaption, type PlacedSignature } from './insertSignatures.ts';
import { renderDocument, type RenderedDocument, type SlotRect } from './renderDocument.ts';
import { stampSeal } from './sealPlace.ts';
import { signPdf } from './signPdf.ts';

export interface VersionInput {
  kind: DocumentKind;
  facts: CaseFacts;
  terms: Terms;
  signers: readonly SignatureSlot[];
  versionLabel: string;
  createdAt: Date;
  fonts?: FontFiles;
}

export function renderVersion(input: VersionInput): Promise<RenderedDocument> {
  const content = buildContent(input.kind, input.facts, input.terms, input.signers);
  return renderDocument(content, { versionLabel: input.versionLabel, createdAt: input.createdAt, ...(input.fonts ? { fonts: input.fonts } : {}) });
}

export interface SealInput {
  versionPdf: Uint8Array;
  slots: SlotRect[];
  signatures: PlacedSignature[];
  audit: AuditPageInput;
  key: SigningKey;
  /** The organisation's seal image (PNG with transparency), stamped over its name; none: sealed digitally only. */
  seal?: Uint8Array | undefined;
  /** ASCII: goes into the signature dictionary. */
  reason: string;
  fonts?: FontFiles;
}

export async function sealFinal(input: SealInput): Promise<Buffer> {
  const sealedAt = new Date(input.audit.sealedAt);
  const doc = await PDFDocument.load(input.versionPdf, { updateMetadata: false });
  const text = auditText(input.audit);
  const fonts = await embedFonts(doc, { regular: input.signatures.map(signatureCaption).join('') + text, bold: text }, input.fonts);
  await insertSignatures(doc, input.slots, input.signatures, fonts.regular);
  if (input.seal) await stampSeal(doc, input.slots, input.seal);
  appendAuditPages(doc, fonts, input.audit);
  doc.setModificationDate(sealedAt);
  return signPdf(doc, input.key, { reason: input.reason, location: 'CN', signingTime: sealedAt });
}
