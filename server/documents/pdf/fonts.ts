/** The two CJK fonts a document draws with (Noto Sans CJK SC regular and bold), each cut to the characters it uses and embedded. */
import { PDFDocument } from 'pdf-lib';
import { embedCjkFont, saveFinished } from './embedFont.ts';
import { NOTO_CJK_BOLD, NOTO_CJK_REGULAR, simplifiedChineseFace } from './fontFace.ts';
import type { Fonts } from './layout.ts';
import { subsetFont } from './subsetFont.ts';

export interface FontFiles {
  regular: string;
  bold: string;
}

export const debianNotoCjk: FontFiles = { regular: NOTO_CJK_REGULAR, bold: NOTO_CJK_BOLD };

/**
 * Loads both faces out of the collection, makes HarfBuzz parse them and runs
 * one throw-away page through the font path (subset, embed, draw, save), so
 * the first document after a start costs what every later one does. Called
 * in the background when the server starts; a failure here is only logged
 * (the first document then reports it).
 */
export async function prepareFonts(files: FontFiles = debianNotoCjk): Promise<void> {
  const doc = await PDFDocument.create();
  const text = '劳动争议调解协议书 第1页 共1页';
  const fonts = await embedFonts(doc, { regular: text, bold: text }, files);
  const page = doc.addPage();
  page.drawText(text, { x: 50, y: 700, size: 12, font: fonts.regular });
  page.drawText(text, { x: 50, y: 680, size: 12, font: fonts.bold });
  await saveFinished(doc);
}

export async function embedFonts(doc: PDFDocument, text: { regular: string; bold: string }, files: FontFiles = debianNotoCjk): Promise<Fonts> {
  const [regularFace, boldFace] = await Promise.all([simplifiedChineseFace(files.regular), simplifiedChineseFace(files.bold)]);
  // One at a time: HarfBuzz's wasm instance is shared.
  const regular = await subsetFont(regularFace, text.regular);
  const bold = await subsetFont(boldFace, text.bold);
  return { regular: await embedCjkFont(doc, regular), bold: await embedCjkFont(doc, bold) };
}
