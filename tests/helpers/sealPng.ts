/** Test images for the organisation's seal: a red ring with a star on transparent, and the images the upload must refuse. */
import { deflateSync } from 'node:zlib';
import { chunk } from './signaturePng.ts';

/** A PNG of the given colour type (2 RGB, 6 RGBA) from a pixel function, rows with filter `filter` (0 none, 1 sub). */
export function encodePng(width: number, height: number, colourType: 2 | 6, pixel: (x: number, y: number) => [number, number, number, number], filter: 0 | 1 = 1): Buffer {
  const channels = colourType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    const row = Buffer.alloc(stride);
    for (let x = 0; x < width; x++) row.set(pixel(x, y).slice(0, channels), x * channels);
    for (let i = 0; i < stride; i++) raw[y * (stride + 1) + 1 + i] = filter === 1 ? (row[i]! - (i >= channels ? row[i - channels]! : 0)) & 0xff : row[i]!;
  }
  return pngOf(width, height, colourType, deflateSync(raw));
}

export function pngOf(width: number, height: number, colourType: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colourType;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** The seal's red: far from anything else a document draws (black text, grey rules, dark-blue signatures). */
export const SEAL_RED: [number, number, number] = [214, 18, 24];

/** A round seal: a thick red ring, an inner thin ring and a five-pointed star, on a transparent background. */
export function sealPng(size = 300): Buffer {
  const c = size / 2;
  const star = (x: number, y: number) => {
    const dx = x - c;
    const dy = y - c;
    const r = Math.hypot(dx, dy);
    if (r > size * 0.2) return false;
    const angle = Math.atan2(dy, dx) + Math.PI / 2;
    const k = ((angle % ((2 * Math.PI) / 5)) + (2 * Math.PI) / 5) % ((2 * Math.PI) / 5);
    const edge = (size * 0.2 * 0.45) / Math.cos(k - Math.PI / 5) ** 2;
    return r < Math.max(edge, size * 0.2 * 0.4);
  };
  return encodePng(size, size, 6, (x, y) => {
    const r = Math.hypot(x - c, y - c);
    const ring = (r > size * 0.4 && r < size * 0.48) || (r > size * 0.34 && r < size * 0.355);
    return ring || star(x, y) ? [...SEAL_RED, 255] : [0, 0, 0, 0];
  });
}
