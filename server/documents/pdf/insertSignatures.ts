/**
 * Puts each drawn signature (PNG) into its place on the signed version,
 * scaled to fit the box with its aspect kept, with the signer's name, role
 * and the signing time (Beijing) under it. The page content itself is left
 * as it was signed.
 */
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { beijingTime } from '../text.ts';
import { GREY, measurer } from './layout.ts';
import { embedSignaturePng } from './pngImage.ts';
import type { SlotRect } from './renderDocument.ts';

export interface PlacedSignature {
  slot: string;
  png: Uint8Array;
  signerName: string;
  signedAt: string;
}

export function signatureCaption(signature: PlacedSignature): string {
  return `${signature.signerName} 签于 ${beijingTime(signature.signedAt)}`;
}

export async function insertSignatures(doc: PDFDocument, slots: SlotRect[], signatures: PlacedSignature[], font: PDFFont): Promise<void> {
  const pages = doc.getPages();
  for (const signature of signatures) {
    const slot = slots.find((s) => s.slot === signature.slot && s.slot !== 'seal');
    if (!slot) throw new Error(`The document has no place for a ${signature.slot} signature`);
    const page = pages[slot.page];
    if (!page) throw new Error(`Signature place on missing page ${slot.page}`);
    const image = await embedSignaturePng(doc, signature.png);
    const pad = 4;
    const scale = Math.min((slot.width - 2 * pad) / image.width, (slot.height - 2 * pad) / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    page.drawImage(image, { x: slot.x + (slot.width - width) / 2, y: slot.y + (slot.height - height) / 2, width, height });
    const caption = signatureCaption(signature);
    // Under the printed name, right-aligned, so a long company name and the caption never collide.
    const size = 7.5;
    page.drawText(caption, { x: slot.x + slot.width - measurer(font, size)(caption), y: slot.captionY - 11, size, font, color: GREY });
  }
}
