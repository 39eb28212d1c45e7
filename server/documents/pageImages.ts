/**
 * Page images of a document version for the signing page: Poppler's
 * pdftoppm (poppler-utils, installed by setup) renders each page once at a
 * phone-friendly resolution; the PNG is kept beside the version and served
 * from there. Phones then need no PDF reader at all.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';

export const PAGE_DPI = 110;
const running = new Map<string, Promise<string>>();
let active = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  // At most two renders at once: the machine also carries live sessions.
  if (active >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await work();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

function pdftoppm(pdf: string, page: number, outPrefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pdftoppm', ['-png', '-r', String(PAGE_DPI), '-f', String(page), '-l', String(page), '-singlefile', pdf, outPrefix], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pdftoppm exited with ${code}: ${stderr.trim()}`))));
  });
}

/** The PNG of one page (1-based) of a PDF, rendered on first request into `cacheDir`. */
export function pageImage(pdf: string, page: number, cacheDir: string, name: string): Promise<string> {
  const out = path.join(cacheDir, `${name}-p${page}.png`);
  if (existsSync(out)) return Promise.resolve(out);
  let job = running.get(out);
  if (!job) {
    job = slot(async () => {
      await mkdir(cacheDir, { recursive: true });
      const temp = path.join(cacheDir, `${name}-p${page}.${process.pid}.tmp`);
      await pdftoppm(pdf, page, temp);
      await rename(`${temp}.png`, out);
      return out;
    }).finally(() => running.delete(out));
    running.set(out, job);
  }
  return job;
}
