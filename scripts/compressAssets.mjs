// After esbuild: gives the stylesheet a content-hashed name too, points every
// HTML page at the hashed script and stylesheet names, and writes brotli (.br)
// and gzip (.gz) files next to each script, stylesheet and page, so the server
// sends them precompressed (@fastify/static preCompressed).
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(js|css|html|svg)$/;

/** @returns {string[]} absolute paths of the hashed scripts and stylesheets */
export function hashAndCompress(distDir, metafile, root) {
  /** @type {Map<string, string>} "/party.js" → "/party-ABCD1234.js" */
  const renames = new Map();
  const assets = [];
  for (const [file, output] of Object.entries(metafile?.outputs ?? {})) {
    if (!output.entryPoint || file.endsWith('.map')) continue;
    const hashed = basename(file);
    renames.set(`/${hashed.replace(/-[A-Z0-9]{8}(\.\w+)$/, '$1')}`, `/${hashed}`);
    assets.push(resolve(root, file));
  }
  for (const name of readdirSync(distDir).filter((f) => f.endsWith('.css'))) {
    const hash = createHash('sha256').update(readFileSync(join(distDir, name))).digest('base64url').slice(0, 8).toUpperCase();
    const hashed = name.replace(/\.css$/, `-${hash.replace(/[^A-Z0-9]/g, '0')}.css`);
    copyFileSync(join(distDir, name), join(distDir, hashed));
    renames.set(`/${name}`, `/${hashed}`);
    assets.push(join(distDir, hashed));
  }
  for (const page of readdirSync(distDir).filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(join(distDir, page), 'utf8').replace(/(src|href)="(\/[\w.-]+)"/g, (all, attr, url) =>
      renames.has(url) ? `${attr}="${renames.get(url)}"` : all,
    );
    writeFileSync(join(distDir, page), html);
  }
  for (const file of readdirSync(distDir).filter((f) => COMPRESSIBLE.test(f))) {
    const body = readFileSync(join(distDir, file));
    writeFileSync(join(distDir, `${file}.gz`), gzipSync(body, { level: 9 }));
    writeFileSync(
      join(distDir, `${file}.br`),
      brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      }),
    );
  }
  return assets;
}
