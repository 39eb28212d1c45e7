/** The two CJK fonts a document draws with (Noto Sans CJK SC regular and bold), each cut to the characters it uses and embedded. */
import type { PDFDocument } from 'pdf-lib';
import { embedCjkFont } from './embedFont.ts';
import { NOTO_CJK_BOLD, NOTO_CJK_REGULAR, simplifiedChineseFace } from './fontFace.ts';
import type { Fonts } from './layout.ts';
import { subsetFont } from './subsetFont.ts';

export interface FontFiles {
  regular: string;
  bold: string;
}

export const debianNotoCjk: FontFiles = { regular: NOTO_CJK_REGULAR, bold: NOTO_CJK_BOLD };

export async function embedFonts(doc: PDFDocument, text: { regular: string; bold: string }, files: FontFiles = debianNotoCjk): Promise<Fonts> {
  const [regularFace, boldFace] = await Promise.all([simplifiedChineseFace(files.regular), simplifiedChineseFace(files.bold)]);
  // One at a time: HarfBuzz's wasm instance is shared.
  const regular = await subsetFont(regularFace, text.regular);
  const bold = await subsetFont(boldFace, text.bold);
  return { regular: await embedCjkFont(doc, regular), bold: await embedCjkFont(doc, bold) };
}
