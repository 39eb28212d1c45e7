/**
 * One face out of Debian's Noto Sans CJK collection (fonts-noto-cjk): a .ttc
 * holds ten faces sharing one CFF table, and neither pdf-lib nor HarfBuzz's
 * npm wrapper opens a collection, so the face is copied out into a plain
 * OpenType file once and kept in memory. Face 2 is Simplified Chinese; the
 * name table is checked so a repackaged collection cannot swap in Japanese
 * glyph shapes unnoticed.
 */
import { readFile } from 'node:fs/promises';

export const NOTO_CJK_REGULAR = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const NOTO_CJK_BOLD = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc';
export const SIMPLIFIED_CHINESE_FACE = 2;

interface TableRecord {
  tag: string;
  checksum: number;
  offset: number;
  length: number;
}

function tableRecords(data: Buffer, directoryOffset: number): TableRecord[] {
  const count = data.readUInt16BE(directoryOffset + 4);
  const records: TableRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = directoryOffset + 12 + 16 * i;
    records.push({
      tag: data.toString('latin1', at, at + 4),
      checksum: data.readUInt32BE(at + 4),
      offset: data.readUInt32BE(at + 8),
      length: data.readUInt32BE(at + 12),
    });
  }
  return records;
}

/** Writes an sfnt from table records and their bytes (4-byte aligned, directory order kept). */
export function buildSfnt(sfntVersion: Buffer, tables: { tag: string; checksum: number; data: Buffer }[]): Buffer {
  const headerLength = 12 + 16 * tables.length;
  const size = headerLength + tables.reduce((sum, t) => sum + ((t.data.length + 3) & ~3), 0);
  const out = Buffer.alloc(size);
  sfntVersion.copy(out, 0, 0, 4);
  const n = tables.length;
  const entrySelector = Math.floor(Math.log2(n));
  const searchRange = 2 ** entrySelector * 16;
  out.writeUInt16BE(n, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(n * 16 - searchRange, 10);
  let position = headerLength;
  tables.forEach((table, i) => {
    const at = 12 + 16 * i;
    out.write(table.tag, at, 'latin1');
    out.writeUInt32BE(table.checksum >>> 0, at + 4);
    out.writeUInt32BE(position, at + 8);
    out.writeUInt32BE(table.data.length, at + 12);
    table.data.copy(out, position);
    position += (table.data.length + 3) & ~3;
  });
  return out;
}

export function readTables(font: Buffer): { version: Buffer; tables: { tag: string; checksum: number; data: Buffer }[] } {
  return {
    version: font.subarray(0, 4),
    tables: tableRecords(font, 0).map((r) => ({ tag: r.tag, checksum: r.checksum, data: font.subarray(r.offset, r.offset + r.length) })),
  };
}

/** The face's full name from its name table (Windows Unicode records), e.g. "Noto Sans CJK SC". */
export function familyName(font: Buffer): string | undefined {
  const name = readTables(font).tables.find((t) => t.tag === 'name')?.data;
  if (!name) return undefined;
  const count = name.readUInt16BE(2);
  const stringsAt = name.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 6 + 12 * i;
    const platform = name.readUInt16BE(at);
    const nameId = name.readUInt16BE(at + 6);
    if (platform !== 3 || nameId !== 1) continue;
    const length = name.readUInt16BE(at + 8);
    const offset = name.readUInt16BE(at + 10);
    return Buffer.from(name.subarray(stringsAt + offset, stringsAt + offset + length)).swap16().toString('utf16le');
  }
  return undefined;
}

/** Copies face `index` of a TrueType/OpenType collection into a standalone font file. */
export function extractFace(collection: Buffer, index: number): Buffer {
  if (collection.toString('latin1', 0, 4) !== 'ttcf') return collection;
  const faces = collection.readUInt32BE(8);
  if (index >= faces) throw new Error(`The font collection has ${faces} faces; face ${index} does not exist`);
  const directory = collection.readUInt32BE(12 + 4 * index);
  const records = tableRecords(collection, directory);
  return buildSfnt(
    collection.subarray(directory, directory + 4),
    records.map((r) => ({ tag: r.tag, checksum: r.checksum, data: collection.subarray(r.offset, r.offset + r.length) })),
  );
}

const faces = new Map<string, Promise<Buffer>>();

/** The Simplified Chinese face of a Noto Sans CJK collection, read once per process. */
export function simplifiedChineseFace(file = NOTO_CJK_REGULAR): Promise<Buffer> {
  let face = faces.get(file);
  if (!face) {
    face = readFile(file).then((collection) => {
      const font = extractFace(collection, SIMPLIFIED_CHINESE_FACE);
      const family = familyName(font) ?? '';
      if (!/\bSC\b/.test(family)) throw new Error(`Face ${SIMPLIFIED_CHINESE_FACE} of ${file} is "${family}", not Simplified Chinese`);
      return font;
    });
    face.catch(() => faces.delete(file));
    faces.set(file, face);
  }
  return face;
}
