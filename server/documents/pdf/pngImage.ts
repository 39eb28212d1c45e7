/**
 * Embeds a drawn signature (an 8-bit, non-interlaced PNG: grey, RGB, grey+alpha
 * or RGBA, as signatureImage.ts admits) as an image XObject with its alpha as
 * a soft mask — what pdf-lib's embedPng makes — but inflating and deflating
 * with Node's zlib instead of pdf-lib's JavaScript PNG decoder and pako, which
 * took most of a seal's time. Anything else goes through pdf-lib as before.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { PDFImage, PngEmbedder, type PDFContext, type PDFDocument, type PDFRef } from 'pdf-lib';

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

interface DecodedPng {
  width: number;
  height: number;
  colour: Buffer;
  colourChannels: 1 | 3;
  alpha: Buffer | undefined;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The PNG's pixels, unfiltered and split into colour and alpha planes; undefined if it is not a kind handled here. */
export function decodePng(png: Uint8Array): DecodedPng | undefined {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = body[8] === 8 && body[10] === 0 && body[11] === 0 && body[12] === 0 ? (CHANNELS[body[9]!] ?? 0) : 0;
      if (!channels) return undefined;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  if (!channels || !width || !height) return undefined;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat), { maxOutputLength: height * (stride + 1) });
  if (raw.length !== height * (stride + 1)) return undefined;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prior = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels]! : 0;
      const b = y > 0 ? pixels[prior + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[prior + x - channels]! : 0;
      const value = raw[src + x]!;
      pixels[row + x] =
        filter === 0 ? value
        : filter === 1 ? value + a
        : filter === 2 ? value + b
        : filter === 3 ? value + ((a + b) >> 1)
        : value + paeth(a, b, c);
    }
    if (filter > 4) return undefined;
  }
  const hasAlpha = channels === 2 || channels === 4;
  const colourChannels = channels >= 3 ? 3 : 1;
  if (!hasAlpha) return { width, height, colour: pixels, colourChannels, alpha: undefined };
  const count = width * height;
  const colour = Buffer.alloc(count * colourChannels);
  const alpha = Buffer.alloc(count);
  for (let i = 0, p = 0; i < count; i++, p += channels) {
    for (let k = 0; k < colourChannels; k++) colour[i * colourChannels + k] = pixels[p + k]!;
    alpha[i] = pixels[p + colourChannels]!;
  }
  return { width, height, colour, colourChannels, alpha };
}

export async function embedSignaturePng(doc: PDFDocument, png: Uint8Array): Promise<PDFImage> {
  const decoded = decodePng(png);
  if (!decoded) return doc.embedPng(png);
  // PDFImage accepts only pdf-lib's own embedders: this one has PngEmbedder's prototype and its own fields.
  const embedder = Object.assign(Object.create(PngEmbedder.prototype) as PngEmbedder, {
    width: decoded.width,
    height: decoded.height,
    async embedIntoContext(context: PDFContext, ref?: PDFRef): Promise<PDFRef> {
      const image = { Type: 'XObject', Subtype: 'Image', Width: decoded.width, Height: decoded.height, BitsPerComponent: 8, Filter: 'FlateDecode' };
      const smask = decoded.alpha
        ? context.register(context.stream(deflateSync(decoded.alpha), { ...image, ColorSpace: 'DeviceGray', Decode: [0, 1] }))
        : undefined;
      const xObject = context.stream(deflateSync(decoded.colour), {
        ...image,
        ColorSpace: decoded.colourChannels === 3 ? 'DeviceRGB' : 'DeviceGray',
        ...(smask ? { SMask: smask } : {}),
      });
      if (!ref) return context.register(xObject);
      context.assign(ref, xObject);
      return ref;
    },
  });
  const image = PDFImage.of(doc.context.nextRef(), doc, embedder);
  await image.embed();
  return image;
}
