/**
 * Checks a drawn signature before it is stored: a real PNG (8-bit RGBA or
 * grey+alpha, as a canvas exports), of sane size, with ink on it. A blank
 * canvas is all zeros, and PNG filtering leaves an all-zero image all-zero,
 * so counting non-zero bytes of the inflated data is enough to tell.
 */
import { inflateSync } from 'node:zlib';
import { AppError } from '../../errors.ts';

export const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** A finger's signature, cropped, at up to 3 device pixels per CSS pixel: far below these. */
export const MAX_SIGNATURE_SIDE = 4096;
export const MAX_SIGNATURE_PIXELS = 4 * 1024 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Bytes per pixel at 8 bits per channel, by PNG colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export interface SignatureImageInfo {
  width: number;
  height: number;
  /** Non-zero bytes of the filtered image data: roughly how much was drawn. */
  ink: number;
}

/** What a PNG may be: bounds, and the codes its refusals carry. */
export interface PngLimits {
  maxBytes: number;
  maxSide: number;
  maxPixels: number;
  minWidth: number;
  minHeight: number;
  /** Code of "not a usable PNG" (400) and of "too large" (413). */
  invalidCode: string;
  tooLargeCode: string;
  what: string;
}

const signatureLimits: PngLimits = {
  maxBytes: MAX_SIGNATURE_BYTES,
  maxSide: MAX_SIGNATURE_SIDE,
  maxPixels: MAX_SIGNATURE_PIXELS,
  minWidth: 20,
  minHeight: 10,
  invalidCode: 'INVALID_SIGNATURE_IMAGE',
  tooLargeCode: 'SIGNATURE_IMAGE_TOO_LARGE',
  what: 'signature',
};

export interface PngInfo extends SignatureImageInfo {
  /** PNG colour type: 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA. */
  colourType: number;
  hasAlpha: boolean;
  /** The inflated, still filtered, image data (rows of filter byte + pixels). */
  raw: Buffer;
}

/**
 * Reads the PNG's header, then inflates its image data to exactly the size
 * the header allows (rows × (filter byte + width × channels)) and no more:
 * a small IDAT that inflates to hundreds of megabytes (a decompression bomb)
 * stops at that bound with the "too large" code.
 */
export function inspectPng(png: Buffer, limits: PngLimits): PngInfo {
  const bad = (why: string) => new AppError(limits.invalidCode, `The ${limits.what} is not a usable PNG: ${why}`, 400);
  const tooLarge = (why: string) => new AppError(limits.tooLargeCode, `The ${limits.what} image is too large: ${why}`, 413);
  if (png.length > limits.maxBytes) throw tooLarge(`more than ${limits.maxBytes} bytes`);
  if (png.length < 60 || !png.subarray(0, 8).equals(PNG_MAGIC)) throw bad('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  let colourType = -1;
  const data: Buffer[] = [];
  while (at + 8 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (body.length !== length) throw bad('truncated');
    if (type === 'IHDR') {
      if (at !== 8 || length !== 13) throw bad('the header is not first');
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      colourType = body[9]!;
      channels = CHANNELS[colourType] ?? 0;
      if (depth !== 8 || !channels || body[12] !== 0) throw bad('unsupported colour format');
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  if (!channels) throw bad('no header');
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) throw tooLarge(`${width}×${height} pixels`);
  if (width < limits.minWidth || height < limits.minHeight) throw bad('odd dimensions');
  const expected = height * (1 + width * channels);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: expected });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('its data inflates beyond its dimensions');
    throw bad('corrupt image data');
  }
  if (raw.length !== expected) throw bad('image data does not match its dimensions');
  let ink = 0;
  for (const byte of raw) if (byte !== 0) ink++;
  // Minus one filter-type byte per row at most.
  ink = Math.max(0, ink - height);
  return { width, height, ink, colourType, hasAlpha: colourType === 4 || colourType === 6, raw };
}

export function inspectSignatureImage(png: Buffer): SignatureImageInfo {
  const { width, height, ink } = inspectPng(png, signatureLimits);
  return { width, height, ink };
}

/** A signature image worth storing: a PNG with at least a stroke on it. */
export function checkSignatureImage(png: Buffer): SignatureImageInfo {
  const info = inspectSignatureImage(png);
  if (info.ink < 40) throw new AppError('EMPTY_SIGNATURE', 'Please sign in the box first', 400);
  return info;
}
