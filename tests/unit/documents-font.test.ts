/**
 * The CJK font path: the Simplified Chinese face out of Debian's Noto
 * collection, cut by HarfBuzz to the characters used, with an identity CFF
 * charset, embedded whole and declared as what it is. Then the proof that
 * matters: a PDF rendered by Poppler shows real glyphs, not boxes — a large
 * character is compared with the box (.notdef) a missing glyph draws, and
 * every character pdftotext reads back must be in the embedded font.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedCjkFont, saveFinished } from '../../server/documents/pdf/embedFont.ts';
import { familyName, simplifiedChineseFace } from '../../server/documents/pdf/fontFace.ts';
import { subsetFont } from '../../server/documents/pdf/subsetFont.ts';
import { renderVersion } from '../../server/documents/pdf/documentPdf.ts';
import { charactersWithoutGlyphs, pdfFonts, pdfText } from '../helpers/documents.ts';
import { sampleFacts, sampleTerms } from '../helpers/documentFacts.ts';

const run = promisify(execFile);

/** Renders page 1 with pdftoppm as 8-bit grey and returns its pixels. */
async function renderGrey(pdf: Uint8Array, dpi = 60): Promise<{ width: number; height: number; pixels: Buffer }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-glyph-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-gray', '-r', String(dpi), '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'out')]);
    const pgm = readFileSync(path.join(dir, 'out.pgm'));
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40))!;
    return { width: Number(header[1]), height: Number(header[2]), pixels: pgm.subarray(header[0].length) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One character, very large, alone on a page, drawn with a subset made from `subsetText`. */
async function bigCharacter(character: string, subsetText: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await embedCjkFont(doc, await subsetFont(await simplifiedChineseFace(), subsetText));
  const page = doc.addPage([300, 300]);
  page.drawText(character, { x: 30, y: 50, size: 240, font, color: rgb(0, 0, 0) });
  return saveFinished(doc);
}

const dark = (pixels: Buffer) => pixels.reduce((n, value) => n + (value < 128 ? 1 : 0), 0);

describe('the CJK font', () => {
  let face: Buffer;
  beforeAll(async () => {
    face = await simplifiedChineseFace();
  });

  it('is the Simplified Chinese face of the collection', () => {
    expect(face.toString('latin1', 0, 4)).toBe('OTTO');
    expect(familyName(face)).toBe('Noto Sans CJK SC');
  });

  it('subsets to the characters used, with CID = glyph id', async () => {
    const text = '调解协议书申请人被申请人骨直';
    const subset = await subsetFont(face, text);
    expect(subset.length).toBeLessThan(60_000);
    const font = fontkit.create(subset) as unknown as {
      hasGlyphForCodePoint(c: number): boolean;
      numGlyphs: number;
      'CFF ': { topDict: { charset: { glyphs?: number[] } } };
    };
    for (const char of text) expect(font.hasGlyphForCodePoint(char.codePointAt(0)!), char).toBe(true);
    expect(font.hasGlyphForCodePoint('国'.codePointAt(0)!)).toBe(false);
    const charset = font['CFF '].topDict.charset;
    if (charset.glyphs) expect(charset.glyphs).toEqual(Array.from({ length: font.numGlyphs - 1 }, (_, i) => i + 1));
  });

  it('embeds as a CID-keyed OpenType font, whole', async () => {
    const fonts = await pdfFonts(Buffer.from(await bigCharacter('骨', '骨')));
    expect(fonts).toMatch(/NotoSansCJKsc-Regular\S*\s+CID Type 0C \(OT\)\s+Identity-H\s+yes\s+no\s+yes/);
  });

  it('renders a real glyph, not the box a missing glyph draws', async () => {
    const glyph = await renderGrey(await bigCharacter('骨', '骨'));
    // The same character with a font that lacks it: the reader draws .notdef (a box).
    const box = await renderGrey(await bigCharacter('骨', '国'));
    const glyphInk = dark(glyph.pixels);
    const boxInk = dark(box.pixels);
    const area = glyph.width * glyph.height;
    expect(glyphInk / area).toBeGreaterThan(0.03);
    let differing = 0;
    for (let i = 0; i < glyph.pixels.length; i++) if ((glyph.pixels[i]! < 128) !== (box.pixels[i]! < 128)) differing++;
    // Most inked pixels are in different places: a glyph, not an outline.
    expect(differing).toBeGreaterThan(0.6 * Math.max(glyphInk, boxInk));
  });

  it.each(['mediation_agreement', 'hearing_record'] as const)('covers every character of a whole %s (pdftotext read-back against the embedded fonts)', async (kind) => {
    const facts = sampleFacts({ applicant: { ...sampleFacts().applicant, name: '欧阳翀', address: '贵州省黔东南苗族侗族自治州凯里市' } });
    // The hearing record has empty cells (phases without a note): their dash must be in the font too.
    const rendered = await renderVersion({ kind, facts, terms: sampleTerms(facts, 3), signers: ['applicant', 'respondent', 'host'], versionLabel: '第 1 版', createdAt: new Date() });
    const pdf = Buffer.from(rendered.bytes);
    expect(await pdfText(pdf)).toContain('欧阳翀');
    const missing = await charactersWithoutGlyphs(pdf);
    expect(missing).toEqual([]);
  });
});
