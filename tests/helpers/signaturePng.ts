/** Makes a signature-like PNG (a dark scribble on transparent) without a browser, for API-level signing. */
import { crc32, deflateSync } from 'node:zlib';

/** One PNG chunk: length, type, data and CRC. */
export function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export function scribblePng(width = 360, height = 140, seed = 1, blank = false): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  if (!blank) {
    for (let x = 10; x < width - 10; x++) {
      const y = Math.round(height / 2 + Math.sin((x + seed * 17) / (12 + seed)) * (height / 3.2) + Math.cos(x / 7) * 6);
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const px = x + dx;
          const py = y + dy;
          if (py < 0 || py >= height) continue;
          const i = (py * width + px) * 4;
          rgba[i] = 20;
          rgba[i + 1] = 30;
          rgba[i + 2] = 60;
          rgba[i + 3] = 255;
        }
      }
    }
  }
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
