/**
 * The seal check against PNGs written by a real encoder (pngjs) with every
 * row filter PNG has: unfiltering gives back the exact pixels, and the
 * transparency verdict follows the pixels, not the encoding.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { inspectPng } from '../../server/documents/pdf/signatureImage.ts';
import { checkSealImage, sealLimits, unfilterRows } from '../../server/organisations/sealImage.ts';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return data;
}

const ring = (x: number, y: number): [number, number, number, number] => {
  const r = Math.hypot(x - 100, y - 100);
  return r > 80 && r < 95 ? [200 + (x % 50), (y * 3) % 40, x % 30, 255 - (r > 93 ? 100 : 0)] : [x % 256, y % 256, 0, 0];
};

describe('seal image check', () => {
  for (const filterType of [0, 1, 2, 3, 4]) {
    it(`unfilters rows written with filter ${filterType} back to the exact pixels`, () => {
      const pixels = image(200, 200, ring);
      const png = PNG.sync.write(Object.assign(new PNG({ width: 200, height: 200 }), { data: pixels }), { filterType, colorType: 6 });
      const info = inspectPng(png, sealLimits);
      expect(unfilterRows(info.raw, 200, 200, 4).equals(pixels)).toBe(true);
      const checked = checkSealImage(png);
      expect(checked).toMatchObject({ width: 200, height: 200 });
      expect(checked.transparent).toBeGreaterThan(0.7);
    });
  }

  it('adaptive filtering (the encoder picks per row) and grey+alpha decode too', () => {
    const pixels = image(160, 120, (x, y) => (Math.abs(x - 80) + Math.abs(y - 60) < 40 ? [180, 0, 0, 255] : [0, 0, 0, 0]));
    const adaptive = PNG.sync.write(Object.assign(new PNG({ width: 160, height: 120 }), { data: pixels }), { colorType: 6 });
    expect(checkSealImage(adaptive).transparent).toBeCloseTo(1 - (2 * 40 * 40) / (160 * 120), 1);
    const grey = PNG.sync.write(Object.assign(new PNG({ width: 160, height: 120 }), { data: pixels }), { colorType: 4 });
    expect(checkSealImage(grey).width).toBe(160);
  });

  it('refuses an RGBA image with nothing transparent and one without alpha', () => {
    const opaque = image(100, 100, () => [200, 0, 0, 255]);
    expect(() => checkSealImage(PNG.sync.write(Object.assign(new PNG({ width: 100, height: 100 }), { data: opaque }), { colorType: 6, filterType: 4 }))).toThrow(/transparent/);
    expect(() => checkSealImage(PNG.sync.write(Object.assign(new PNG({ width: 100, height: 100 }), { data: opaque }), { colorType: 2 }))).toThrow(/alpha/);
  });
});
