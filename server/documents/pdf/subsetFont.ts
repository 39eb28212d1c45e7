/**
 * Cuts the CJK face down to the characters a document uses, with HarfBuzz
 * (the wasm of npm subset-font, faces kept resident: harfbuzzSubsetter.ts): pdf-lib's own subsetting (fontkit) drops CJK
 * glyphs. The result is embedded whole (`subset: false`).
 *
 * HarfBuzz keeps each glyph's original CID in the subset's CFF charset, but
 * pdf-lib writes glyph ids into the page; a reader that maps codes through
 * the charset (as the PDF specification says for CIDFontType0) would pick
 * wrong glyphs. So the charset is rewritten to the identity (CID = glyph id),
 * which every reader agrees on.
 */
import { buildSfnt, readTables } from './fontFace.ts';
import { subsetResident } from './harfbuzzSubsetter.ts';

/** Characters every document may draw besides its text: page numbers, separators, the dash of an empty cell. */
export const ALWAYS_INCLUDED = '0123456789第页共版 .,:-/()（）：，。·—　';

export async function subsetFont(face: Buffer, text: string): Promise<Buffer> {
  const characters = [...new Set([...text, ...ALWAYS_INCLUDED])].filter((c) => c >= ' ').join('');
  return withIdentityCharset(await subsetResident(face, characters));
}

// ---- the CFF charset ---------------------------------------------------------

interface Index {
  count: number;
  /** Absolute [start, end) of each object. */
  objects: [number, number][];
  end: number;
}

function readIndex(cff: Buffer, at: number): Index {
  const count = cff.readUInt16BE(at);
  if (count === 0) return { count, objects: [], end: at + 2 };
  const offSize = cff[at + 2]!;
  const offsetAt = (i: number) => cff.readUIntBE(at + 3 + i * offSize, offSize);
  const dataStart = at + 3 + (count + 1) * offSize - 1;
  const objects: [number, number][] = [];
  for (let i = 0; i < count; i++) objects.push([dataStart + offsetAt(i), dataStart + offsetAt(i + 1)]);
  return { count, objects, end: dataStart + offsetAt(count) };
}

/** The integer operands of the Top DICT's operators (reals skipped), keyed by operator (12 x as 1200 + x). */
function readDict(cff: Buffer, start: number, end: number): Map<number, number[]> {
  const dict = new Map<number, number[]>();
  let operands: number[] = [];
  let i = start;
  while (i < end) {
    const b0 = cff[i]!;
    if (b0 <= 21) {
      const operator = b0 === 12 ? 1200 + cff[i + 1]! : b0;
      i += b0 === 12 ? 2 : 1;
      dict.set(operator, operands);
      operands = [];
    } else if (b0 === 28) {
      operands.push(cff.readInt16BE(i + 1));
      i += 3;
    } else if (b0 === 29) {
      operands.push(cff.readInt32BE(i + 1));
      i += 5;
    } else if (b0 === 30) {
      i += 1;
      while (i < end) {
        const byte = cff[i++]!;
        if ((byte & 0x0f) === 0x0f || (byte >> 4) === 0x0f) break;
      }
      operands.push(Number.NaN);
    } else if (b0 >= 32 && b0 <= 246) {
      operands.push(b0 - 139);
      i += 1;
    } else if (b0 >= 247 && b0 <= 250) {
      operands.push((b0 - 247) * 256 + cff[i + 1]! + 108);
      i += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      operands.push(-(b0 - 251) * 256 - cff[i + 1]! - 108);
      i += 2;
    } else {
      throw new Error(`Unexpected byte ${b0} in the CFF Top DICT`);
    }
  }
  return dict;
}

function charsetLength(cff: Buffer, at: number, glyphs: number): number {
  const format = cff[at];
  if (format === 0) return 1 + 2 * (glyphs - 1);
  let covered = 1;
  let i = at + 1;
  while (covered < glyphs) {
    const left = format === 1 ? cff[i + 2]! : cff.readUInt16BE(i + 2);
    covered += left + 1;
    i += format === 1 ? 3 : 4;
  }
  return i - at;
}

/** Rewrites a CID-keyed CFF's charset in place to CID = glyph id; name-keyed fonts are returned unchanged. */
export function identityCharsetCff(cff: Buffer): Buffer {
  const out = Buffer.from(cff);
  const names = readIndex(out, out[2]!);
  const topDicts = readIndex(out, names.end);
  const [start, end] = topDicts.objects[0] ?? [0, 0];
  const top = readDict(out, start, end);
  if (!top.has(1230)) return out; // no ROS: not CID-keyed
  const charsetAt = top.get(15)?.[0];
  const charStringsAt = top.get(17)?.[0];
  if (charsetAt === undefined || charStringsAt === undefined || charsetAt < 3) throw new Error('CID-keyed CFF without charset or CharStrings');
  const glyphs = out.readUInt16BE(charStringsAt);
  if (glyphs < 2) return out;
  const available = charsetLength(out, charsetAt, glyphs);
  if (out[charsetAt] === 0) {
    for (let gid = 1; gid < glyphs; gid++) out.writeUInt16BE(gid, charsetAt + 1 + 2 * (gid - 1));
  } else if (available >= 5) {
    out[charsetAt] = 2;
    out.writeUInt16BE(1, charsetAt + 1);
    out.writeUInt16BE(glyphs - 2, charsetAt + 3);
  } else if (glyphs - 2 <= 255) {
    out[charsetAt] = 1;
    out.writeUInt16BE(1, charsetAt + 1);
    out[charsetAt + 3] = glyphs - 2;
  } else {
    throw new Error('No room to rewrite the CFF charset');
  }
  return out;
}

function tableChecksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    const word = (data[i]! << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0);
    sum = (sum + (word >>> 0)) >>> 0;
  }
  return sum;
}

/** The font with its CFF charset made the identity (see the module comment). */
export function withIdentityCharset(font: Buffer): Buffer {
  const { version, tables } = readTables(font);
  return buildSfnt(
    version,
    tables.map((table) => {
      if (table.tag !== 'CFF ') return table;
      const data = identityCharsetCff(table.data);
      return { tag: table.tag, checksum: tableChecksum(data), data };
    }),
  );
}
