/**
 * The signature PNG path that bypasses pdf-lib's decoder: every PNG filter
 * and every colour type signatureImage.ts admits decodes to the pixels it was
 * made from, and the embedded image is what Poppler extracts from the PDF.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { decodePng, embedSignaturePng } from '../../server/documents/pdf/pngImage.ts';

const run = promisify(execFile);

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0);
  return Buffer.concat([head, body, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A PNG of `pixels` (rows of width × channels bytes), row y filtered with filter (y % 5). */
function encodePng(width: number, height: number, colourType: number, channels: number, pixels: Buffer): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const v = pixels[y * stride + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!;
      raw[y * (stride + 1) + 1 + x] = (v - predicted) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colourType;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function randomPixels(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const KINDS = [
  { colourType: 0, channels: 1, colour: 1 },
  { colourType: 2, channels: 3, colour: 3 },
  { colourType: 4, channels: 2, colour: 1 },
  { colourType: 6, channels: 4, colour: 3 },
];

describe('signature PNG decoding', () => {
  it.each(KINDS)('colour type $colourType: every filter decodes to the original pixels, alpha split off', ({ colourType, channels, colour }) => {
    const width = 37;
    const height = 23;
    const pixels = randomPixels(width * height * channels, colourType + 1);
    const decoded = decodePng(encodePng(width, height, colourType, channels, pixels))!;
    expect(decoded).toBeDefined();
    expect([decoded.width, decoded.height, decoded.colourChannels]).toEqual([width, height, colour]);
    const expectedColour = Buffer.alloc(width * height * colour);
    const expectedAlpha = Buffer.alloc(width * height);
    for (let i = 0; i < width * height; i++) {
      for (let k = 0; k < colour; k++) expectedColour[i * colour + k] = pixels[i * channels + k]!;
      expectedAlpha[i] = pixels[i * channels + colour] ?? 0;
    }
    expect(decoded.colour.equals(expectedColour)).toBe(true);
    if (channels === colour) expect(decoded.alpha).toBeUndefined();
    else expect(decoded.alpha!.equals(expectedAlpha)).toBe(true);
  });

  it('the embedded image and its soft mask are the PNG\'s pixels, as Poppler extracts them', async () => {
    const width = 40;
    const height = 20;
    const pixels = randomPixels(width * height * 4, 7);
    const doc = await PDFDocument.create();
    const image = await embedSignaturePng(doc, encodePng(width, height, 6, 4, pixels));
    doc.addPage().drawImage(image, { x: 10, y: 10, width, height });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-png-'));
    try {
      writeFileSync(path.join(dir, 'in.pdf'), await doc.save());
      await run('pdfimages', ['-png', path.join(dir, 'in.pdf'), path.join(dir, 'img')]);
      const files = readdirSync(dir).filter((f) => f.startsWith('img')).sort();
      expect(files).toHaveLength(2); // the colour image and its soft mask
      const rgb = decodePng(readFileSync(path.join(dir, files[0]!)))!;
      const mask = decodePng(readFileSync(path.join(dir, files[1]!)))!;
      for (let i = 0; i < width * height; i++) {
        expect([...rgb.colour.subarray(i * 3, i * 3 + 3)], `pixel ${i}`).toEqual([...pixels.subarray(i * 4, i * 4 + 3)]);
        expect(mask.colour[i], `alpha ${i}`).toBe(pixels[i * 4 + 3]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an interlaced PNG is left to pdf-lib', () => {
    const png = encodePng(20, 10, 6, 4, randomPixels(800, 3));
    png[8 + 8 + 12] = 1; // IHDR interlace byte
    expect(decodePng(png)).toBeUndefined();
  });
});

describe('preparing the document pipeline at start', () => {
  it('draws, fills in and saves its throw-away document', async () => {
    const { prepareDocuments } = await import('../../server/documents/pdf/prepare.ts');
    await expect(prepareDocuments()).resolves.toBeUndefined();
  });
});
