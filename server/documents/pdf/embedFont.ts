/**
 * Embeds a HarfBuzz subset (see subsetFont.ts) into a pdf-lib document whole,
 * and declares it correctly. pdf-lib takes any font that is not `subset` for
 * TrueType (its CFF check reads a property fontkit does not have), so it
 * writes a CFF-flavoured OpenType file as CIDFontType2/FontFile2; readers
 * then warn or refuse. `finishFonts` turns each into what it is — a
 * CIDFontType0 with a FontFile3 of subtype OpenType — and must run after the
 * last text is drawn, right before saving (`saveFinished` does both).
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFName, PDFRawStream, type PDFDocument, type PDFFont, type PDFRef, type SaveOptions } from 'pdf-lib';
// pdf-lib's streams deflated by Node's zlib instead of pako (see the module).
import './nativeDeflate.ts';

const embedded = new WeakMap<PDFDocument, PDFRef[]>();

export async function embedCjkFont(doc: PDFDocument, fontBytes: Uint8Array): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(fontBytes, { subset: false });
  embedded.set(doc, [...(embedded.get(doc) ?? []), font.ref]);
  return font;
}

export async function finishFonts(doc: PDFDocument): Promise<void> {
  await doc.flush();
  for (const ref of embedded.get(doc) ?? []) {
    const type0 = doc.context.lookup(ref, PDFDict);
    const cidFont = doc.context.lookup(type0.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0), PDFDict);
    if (cidFont.get(PDFName.of('Subtype')) !== PDFName.of('CIDFontType2')) continue;
    const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
    const fileRef = descriptor.get(PDFName.of('FontFile2'));
    if (!fileRef) continue;
    const file = doc.context.lookup(fileRef);
    if (!(file instanceof PDFRawStream)) continue;
    cidFont.set(PDFName.of('Subtype'), PDFName.of('CIDFontType0'));
    cidFont.delete(PDFName.of('CIDToGIDMap'));
    descriptor.delete(PDFName.of('FontFile2'));
    descriptor.set(PDFName.of('FontFile3'), fileRef);
    file.dict.set(PDFName.of('Subtype'), PDFName.of('OpenType'));
  }
}

export async function saveFinished(doc: PDFDocument, options: SaveOptions = {}): Promise<Uint8Array> {
  await finishFonts(doc);
  return doc.save(options);
}
