/** Renders a PDF page with Poppler (`pdftoppm`, PPM) and counts pixels of a colour inside a rectangle given in PDF points. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PagePixels {
  width: number;
  height: number;
  /** RGB, row by row from the top. */
  rgb: Buffer;
}

export async function pdfPagePixels(pdf: Buffer, page: number, dpi: number, keepPngAs?: string): Promise<PagePixels> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yunting-ppm-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    await run('pdftoppm', ['-f', String(page), '-l', String(page), '-r', String(dpi), '-singlefile', file, path.join(dir, 'page')]);
    if (keepPngAs) await run('pdftoppm', ['-f', String(page), '-l', String(page), '-r', String(dpi), '-singlefile', '-png', file, keepPngAs]);
    const ppm = readFileSync(path.join(dir, 'page.ppm'));
    // "P6\n<w> <h>\n255\n" then RGB bytes.
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 40));
    if (!header) throw new Error('pdftoppm did not write a P6 image');
    return { width: Number(header[1]), height: Number(header[2]), rgb: ppm.subarray(header[0].length) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels within `tolerance` of `colour` inside the rectangle (PDF points, origin bottom left; A4 is 842 pt high). */
export function redPixels(
  image: PagePixels,
  rect: { x: number; y: number; width: number; height: number },
  dpi: number,
  colour: [number, number, number],
  tolerance = 40,
): { count: number; share: number } {
  const scale = dpi / 72;
  const x0 = Math.max(0, Math.floor(rect.x * scale));
  const x1 = Math.min(image.width, Math.ceil((rect.x + rect.width) * scale));
  const y0 = Math.max(0, Math.floor((842 - rect.y - rect.height) * scale));
  const y1 = Math.min(image.height, Math.ceil((842 - rect.y) * scale));
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 3;
      if (Math.abs(image.rgb[i]! - colour[0]) + Math.abs(image.rgb[i + 1]! - colour[1]) + Math.abs(image.rgb[i + 2]! - colour[2]) <= tolerance) count++;
    }
  }
  return { count, share: count / Math.max(1, (x1 - x0) * (y1 - y0)) };
}
