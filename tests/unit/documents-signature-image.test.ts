/**
 * A drawn signature is a PNG from a public phone page: its image data is
 * inflated only up to what its header's width × height allow, so a small
 * IDAT that inflates to hundreds of megabytes (a decompression bomb) is
 * refused with a code instead of being inflated.
 */
import { constants, deflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { checkSignatureImage, inspectSignatureImage, MAX_SIGNATURE_BYTES } from '../../server/documents/pdf/signatureImage.ts';
import { chunk, scribblePng } from '../helpers/signaturePng.ts';

/**
 * A zlib stream that inflates to `mebibytes` MiB of zeros: one deflated MiB
 * (ending on a byte boundary with a sync flush) repeated, an empty final
 * block, and the Adler-32 of n zeros (a = 1, b = n mod 65521).
 */
function zeroBomb(mebibytes: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const total = mebibytes * (1 << 20);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: mebibytes }, () => block), Buffer.from([0x03, 0x00]), adler]);
}

function png(width: number, height: number, idat: Buffer, colour = 6): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colour;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
}

describe('signature images', () => {
  it('the bomb is real: a few hundred KB that inflate to 400 MB', () => {
    const small = zeroBomb(3);
    expect(inflateSync(small).length).toBe(3 << 20);
    const bomb = zeroBomb(400);
    expect(bomb.length).toBeLessThan(MAX_SIGNATURE_BYTES);
  });

  it('refuses a decompression bomb without inflating it', () => {
    const bomb = zeroBomb(400);
    // The largest image the header may claim, and an ordinary signature size.
    expect(codeOf(() => inspectSignatureImage(png(2048, 2048, bomb)))).toBe('SIGNATURE_IMAGE_TOO_LARGE');
    expect(codeOf(() => inspectSignatureImage(png(360, 140, bomb)))).toBe('SIGNATURE_IMAGE_TOO_LARGE');
    expect(codeOf(() => checkSignatureImage(png(360, 140, bomb)))).toBe('SIGNATURE_IMAGE_TOO_LARGE');
  });

  it('bounds the dimensions, the bytes and the data', () => {
    expect(codeOf(() => inspectSignatureImage(png(5000, 100, zeroBomb(1))))).toBe('SIGNATURE_IMAGE_TOO_LARGE');
    expect(codeOf(() => inspectSignatureImage(png(4096, 4096, zeroBomb(1))))).toBe('SIGNATURE_IMAGE_TOO_LARGE');
    expect(codeOf(() => inspectSignatureImage(Buffer.concat([scribblePng(), Buffer.alloc(MAX_SIGNATURE_BYTES)])))).toBe('SIGNATURE_IMAGE_TOO_LARGE');
    // Less data than the header promises.
    expect(codeOf(() => inspectSignatureImage(png(360, 140, zeroBomb(0))))).toBe('INVALID_SIGNATURE_IMAGE');
    expect(codeOf(() => inspectSignatureImage(png(360, 140, Buffer.from('not zlib'))))).toBe('INVALID_SIGNATURE_IMAGE');
    expect(codeOf(() => inspectSignatureImage(png(360, 140, zeroBomb(1), 3)))).toBe('INVALID_SIGNATURE_IMAGE');
  });

  it('still takes a drawn signature and refuses a blank one', () => {
    expect(checkSignatureImage(scribblePng(360, 140, 3))).toMatchObject({ width: 360, height: 140 });
    expect(codeOf(() => checkSignatureImage(scribblePng(360, 140, 1, true)))).toBe('EMPTY_SIGNATURE');
  });
});
