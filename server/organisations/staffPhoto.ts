/**
 * A staff member's public photo: PNG (through the bounded decoder) or JPEG
 * (its frame header read, never decoded here: the browser shows it), by
 * bytes, bounded in size and dimensions.
 */
import { AppError } from '../errors.ts';
import { inspectPng } from '../documents/pdf/signatureImage.ts';

export const MAX_PHOTO_BYTES = 300 * 1024;
const MAX_SIDE = 2048;
const MIN_SIDE = 48;

const bad = (why: string) => new AppError('INVALID_PHOTO', `The photo must be a PNG or JPEG image: ${why}`, 400);
const tooLarge = (why: string) => new AppError('PHOTO_TOO_LARGE', `The photo is too large: ${why}`, 413);

/** Width and height from a JPEG's start-of-frame segment, walking segment lengths only (bounded by the file). */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw bad('corrupt JPEG');
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) throw bad('corrupt JPEG');
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) throw bad('truncated JPEG');
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  throw bad('no JPEG frame header');
}

export function checkPhoto(bytes: Buffer): { type: 'image/png' | 'image/jpeg'; width: number; height: number } {
  if (bytes.length > MAX_PHOTO_BYTES) throw tooLarge(`more than ${MAX_PHOTO_BYTES} bytes`);
  if (bytes[0] === 0x89 && bytes.subarray(1, 4).toString('latin1') === 'PNG') {
    const info = inspectPng(bytes, {
      maxBytes: MAX_PHOTO_BYTES,
      maxSide: MAX_SIDE,
      maxPixels: MAX_SIDE * MAX_SIDE,
      minWidth: MIN_SIDE,
      minHeight: MIN_SIDE,
      invalidCode: 'INVALID_PHOTO',
      tooLargeCode: 'PHOTO_TOO_LARGE',
      what: 'photo',
    });
    return { type: 'image/png', width: info.width, height: info.height };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const { width, height } = jpegSize(bytes);
    if (width > MAX_SIDE || height > MAX_SIDE) throw tooLarge(`${width}×${height} pixels`);
    if (width < MIN_SIDE || height < MIN_SIDE) throw bad('odd dimensions');
    return { type: 'image/jpeg', width, height };
  }
  throw bad('neither PNG nor JPEG');
}
