/**
 * Checks an organisation's seal image before it is stored: a real PNG (by
 * its bytes), with an alpha channel and actually transparent background, of
 * bounded size and dimensions. Decoding goes through the bounded decoder of
 * the signature pad (inspectPng), which stops a decompression bomb at the
 * size its header allows.
 */
import { AppError } from '../errors.ts';
import { inspectPng, type PngLimits } from '../documents/pdf/signatureImage.ts';

export const MAX_SEAL_BYTES = 512 * 1024;
export const sealLimits: PngLimits = {
  maxBytes: MAX_SEAL_BYTES,
  maxSide: 2048,
  maxPixels: 2048 * 2048,
  minWidth: 64,
  minHeight: 64,
  invalidCode: 'INVALID_SEAL_IMAGE',
  tooLargeCode: 'SEAL_IMAGE_TOO_LARGE',
  what: 'seal',
};

/** Undoes PNG row filtering (types 0–4) in place order, returning the pixel rows without filter bytes. */
export function unfilterRows(raw: Buffer, width: number, height: number, bytesPerPixel: number): Buffer {
  const stride = width * bytesPerPixel;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bytesPerPixel ? out[row + x - bytesPerPixel]! : 0;
      const b = y > 0 ? out[prev + x]! : 0;
      const c = y > 0 && x >= bytesPerPixel ? out[prev + x - bytesPerPixel]! : 0;
      const value = raw[src + x]!;
      let predicted = 0;
      if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new AppError('INVALID_SEAL_IMAGE', 'The seal is not a usable PNG: unknown row filter', 400);
      out[row + x] = (value + predicted) & 0xff;
    }
  }
  return out;
}

export interface SealImageInfo {
  width: number;
  height: number;
  /** Share of fully or partly transparent pixels, 0..1. */
  transparent: number;
}

export function checkSealImage(png: Buffer): SealImageInfo {
  const info = inspectPng(png, sealLimits);
  if (!info.hasAlpha) throw new AppError('SEAL_NOT_TRANSPARENT', 'The seal must be a PNG with transparency (an alpha channel)', 400);
  const channels = info.colourType === 6 ? 4 : 2;
  const pixels = unfilterRows(info.raw, info.width, info.height, channels);
  let transparent = 0;
  let opaque = 0;
  for (let i = channels - 1; i < pixels.length; i += channels) {
    if (pixels[i]! < 128) transparent++;
    else opaque++;
  }
  const total = info.width * info.height;
  // A seal is ink on nothing: some of each.
  if (transparent < total * 0.1) throw new AppError('SEAL_NOT_TRANSPARENT', 'The seal image has no transparent background', 400);
  if (opaque < total * 0.01) throw new AppError('INVALID_SEAL_IMAGE', 'The seal image is empty', 400);
  return { width: info.width, height: info.height, transparent: transparent / total };
}
