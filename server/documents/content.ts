/**
 * What a document says, before it is drawn: title, the case's facts and
 * terms as blocks, and the signature places. The PDF renderer draws it; the
 * signing page shows the same blocks as text while the draft is edited.
 */
import type { DocumentKind } from '../store/schema.ts';
import type { Column } from './pdf/layout.ts';

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string; indent?: boolean }
  | { type: 'fields'; rows: [string, string][] }
  | { type: 'table'; columns: Column[]; rows: string[][] }
  | { type: 'note'; text: string };

/** A place to sign: each party side, its agent, and the mediator or arbitrator (the host), who signs last. */
export type SignatureSlot = 'applicant' | 'applicant_agent' | RepresentativeSlot | 'respondent' | 'respondent_agent' | 'host';
/** A collective dispute's elected representatives sign for the workers, in the order of the workers' list. */
export type RepresentativeSlot = 'representative_1' | 'representative_2' | 'representative_3' | 'representative_4' | 'representative_5';
export const representativeSlots: readonly RepresentativeSlot[] = ['representative_1', 'representative_2', 'representative_3', 'representative_4', 'representative_5'];
export const signatureSlots: readonly SignatureSlot[] = ['applicant', 'applicant_agent', ...representativeSlots, 'respondent', 'respondent_agent', 'host'];

export interface SignaturePlace {
  slot: SignatureSlot;
  label: string;
  name: string;
}

export interface DocumentContent {
  kind: DocumentKind;
  title: string;
  organisation: string;
  serialNumber: string;
  /** Lines under the title: 案号 and the like. */
  meta: [string, string][];
  blocks: Block[];
  /** The sentence above the signatures. */
  closing: string;
  signatures: SignaturePlace[];
}

/** Every character the document draws, for font subsetting. */
export function contentText(content: DocumentContent): string {
  const parts: string[] = [content.title, content.organisation, content.serialNumber, content.closing];
  for (const [label, value] of content.meta) parts.push(label, value);
  for (const block of content.blocks) {
    if (block.type === 'fields') for (const [label, value] of block.rows) parts.push(label, value);
    else if (block.type === 'table') parts.push(...block.columns.map((c) => c.title), ...block.rows.flat());
    else parts.push(block.text);
  }
  for (const place of content.signatures) parts.push(place.label, place.name);
  return parts.join('');
}
