/**
 * Draws a document's content on A4 pages: running header, title, blocks,
 * the closing sentence and a grid of signature places (whose rectangles are
 * returned, so signatures can be put in place later), then page numbers.
 */
import { PDFDocument } from 'pdf-lib';
import type { DocumentContent, SignatureSlot } from '../content.ts';
import { contentText } from '../content.ts';
import { saveFinished } from './embedFont.ts';
import { embedFonts, type FontFiles } from './fonts.ts';
import { A4, Flow, GREY, RULE, measurer, pageNumber, stampFooters } from './layout.ts';
import { drawOrganisationLine, ORGANISATION_LINE_HEIGHT, organisationLineText } from './sealPlace.ts';

export interface SlotRect {
  /** 'seal': where the organisation's seal goes, over its name and the date at the end. */
  slot: SignatureSlot | 'seal';
  /** Page index, from 0. */
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the signing time goes, under the box. */
  captionY: number;
}

export interface RenderedDocument {
  bytes: Uint8Array;
  pages: number;
  /** The signature places. */
  slots: SlotRect[];
  /** Where the organisation's seal goes (stored with the slots, so the final can stamp it). */
  sealPlace: SlotRect;
}

export interface RenderOptions {
  /** "第 2 版", or "草稿" for a preview. */
  versionLabel: string;
  createdAt: Date;
  fonts?: FontFiles;
}

export const MARGINS = { top: 70, bottom: 62, left: 62, right: 62 };
const SIGNATURE_BOX_HEIGHT = 58;
const SIGNATURE_ROW_HEIGHT = 18 + SIGNATURE_BOX_HEIGHT + 18 + 12;

function boldText(content: DocumentContent): string {
  const parts = [content.title];
  for (const block of content.blocks) {
    if (block.type === 'heading') parts.push(block.text);
    if (block.type === 'table') parts.push(...block.columns.map((c) => c.title));
  }
  return parts.join('');
}

export async function renderDocument(content: DocumentContent, options: RenderOptions): Promise<RenderedDocument> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${content.title}（${content.serialNumber}）`, { showInWindowTitleBar: true });
  doc.setAuthor(content.organisation);
  doc.setSubject(`${content.serialNumber} ${options.versionLabel}`);
  doc.setProducer('Yunting 云庭');
  doc.setCreator('Yunting 云庭');
  doc.setLanguage('zh-CN');
  doc.setCreationDate(options.createdAt);
  doc.setModificationDate(options.createdAt);

  const header = `云庭 · ${content.title}`;
  const footerLeft = `${content.serialNumber} · ${options.versionLabel}`;
  const fonts = await embedFonts(doc, { regular: contentText(content) + header + footerLeft + '：　' + organisationLineText(options.createdAt), bold: boldText(content) }, options.fonts);

  const flow = new Flow(doc, fonts, {
    margins: MARGINS,
    onNewPage: (page) => {
      const size = 8.5;
      const y = A4[1] - 40;
      page.drawText(header, { x: MARGINS.left, y, size, font: fonts.regular, color: GREY });
      const right = `案号 ${content.serialNumber}`;
      page.drawText(right, { x: A4[0] - MARGINS.right - measurer(fonts.regular, size)(right), y, size, font: fonts.regular, color: GREY });
      page.drawLine({ start: { x: MARGINS.left, y: y - 6 }, end: { x: A4[0] - MARGINS.right, y: y - 6 }, thickness: 0.5, color: RULE });
    },
  });
  flow.newPage();

  flow.paragraph(content.title, { size: 18, bold: true, align: 'center', leading: 1.6, after: 2 });
  flow.paragraph(content.meta.map(([label, value]) => `${label}：${value}`).join('　　'), { size: 10, align: 'center', color: GREY, after: 12 });

  for (const block of content.blocks) {
    switch (block.type) {
      case 'heading':
        flow.heading(block.text);
        break;
      case 'paragraph':
        flow.paragraph(block.text, { indent: block.indent ? 2 : 0 });
        break;
      case 'note':
        flow.paragraph(block.text, { color: GREY, size: 10 });
        break;
      case 'fields':
        flow.fields(block.rows, { labelWidth: 78 });
        break;
      case 'table':
        flow.table(block.columns, block.rows);
        break;
    }
  }

  // The closing sentence stays with the first row of signatures.
  flow.space(6);
  flow.ensure(11 * 1.7 * 2 + SIGNATURE_ROW_HEIGHT);
  flow.paragraph(content.closing, { indent: 2, after: 10 });

  const slots: SlotRect[] = [];
  const gap = 24;
  const cellWidth = (flow.width - gap) / 2;
  content.signatures.forEach((place, i) => {
    const column = i % 2;
    if (column === 0) flow.ensure(SIGNATURE_ROW_HEIGHT);
    const x = flow.left + column * (cellWidth + gap);
    const top = flow.y;
    flow.drawLine(place.label, x, top, { size: 10.5, color: GREY, leading: 1.6 });
    const boxTop = top - 18;
    const box = { x, y: boxTop - SIGNATURE_BOX_HEIGHT, width: cellWidth, height: SIGNATURE_BOX_HEIGHT };
    flow.page.drawRectangle({ ...box, borderColor: RULE, borderWidth: 0.6, borderDashArray: [3, 3] });
    const captionY = box.y - 13;
    if (place.name) flow.page.drawText(place.name, { x, y: captionY, size: 9.5, font: fonts.regular, color: GREY });
    slots.push({ slot: place.slot, page: flow.pages.length - 1, ...box, captionY });
    if (column === 1 || i === content.signatures.length - 1) flow.y -= SIGNATURE_ROW_HEIGHT;
  });

  // The organisation's name and the date at the end, right-aligned: where its seal goes.
  flow.ensure(ORGANISATION_LINE_HEIGHT);
  const sealPlace = drawOrganisationLine(flow, fonts.regular, content.organisation, options.createdAt);

  stampFooters(flow.pages, fonts.regular, (i, n) => ({ left: footerLeft, center: pageNumber(i, n) }), { margin: MARGINS.left });
  const bytes = await saveFinished(doc);
  return { bytes, pages: flow.pages.length, slots, sealPlace };
}
