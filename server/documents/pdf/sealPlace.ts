/**
 * Where the organisation's seal goes: as on paper, the organisation's name
 * and the date at the end of the document, right-aligned, and the seal
 * stamped over both. The version the parties sign prints the name and date
 * and records the place; the final puts the seal image there (multiplied,
 * like ink, so the text under it still shows) before the PKCS#7 signature,
 * which therefore covers it.
 */
import { BlendMode, type PDFDocument, type PDFFont } from 'pdf-lib';
import { chineseDate } from '../text.ts';
import type { Flow } from './layout.ts';
import { measurer } from './layout.ts';
import type { SlotRect } from './renderDocument.ts';

/** A real seal is 40–42 mm across: about 115 pt. */
export const SEAL_SIZE = 115;
const TEXT_SIZE = 12;
const LINE_GAP = 24;
/** Room the block needs below the signatures: the space above, two lines and the seal's lower half. */
export const ORGANISATION_LINE_HEIGHT = 30 + LINE_GAP + SEAL_SIZE / 2 + 30;

const BEIJING_OFFSET_MS = 8 * 3_600_000;

export function organisationDate(createdAt: Date): string {
  return chineseDate(new Date(createdAt.getTime() + BEIJING_OFFSET_MS).toISOString());
}

/** Characters the block draws besides the organisation's name (which the content already has). */
export function organisationLineText(createdAt: Date): string {
  return organisationDate(createdAt);
}

export function drawOrganisationLine(flow: Flow, font: PDFFont, organisation: string, createdAt: Date): SlotRect {
  const measure = measurer(font, TEXT_SIZE);
  const date = organisationDate(createdAt);
  const blockWidth = Math.max(measure(organisation), measure(date));
  const right = flow.left + flow.width - 12;
  const centre = right - blockWidth / 2;
  const top = flow.y - 30;
  flow.drawLine(organisation, centre - measure(organisation) / 2, top, { size: TEXT_SIZE });
  flow.drawLine(date, centre - measure(date) / 2, top - LINE_GAP, { size: TEXT_SIZE });
  // The seal's centre sits between the two lines, as a stamp does.
  const middle = top - LINE_GAP / 2 - TEXT_SIZE * 0.85;
  const size = SEAL_SIZE;
  const x = Math.min(centre - size / 2, flow.left + flow.width - size);
  flow.y = top - LINE_GAP - TEXT_SIZE * 1.7;
  return { slot: 'seal', page: flow.pages.length - 1, x, y: middle - size / 2, width: size, height: size, captionY: middle - size / 2 };
}

/** Stamps the seal image into its place, kept square-fitted with its aspect. No place (a version made before seals): nothing. */
export async function stampSeal(doc: PDFDocument, slots: SlotRect[], png: Uint8Array): Promise<boolean> {
  const place = slots.find((s) => s.slot === 'seal');
  const page = place ? doc.getPages()[place.page] : undefined;
  if (!place || !page) return false;
  const image = await doc.embedPng(png);
  const scale = Math.min(place.width / image.width, place.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  page.drawImage(image, { x: place.x + (place.width - width) / 2, y: place.y + (place.height - height) / 2, width, height, blendMode: BlendMode.Multiply });
  return true;
}
