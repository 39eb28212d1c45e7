#!/usr/bin/env node
// Bundles the browser pages, copies client/public into client/dist, and writes
// the phone pages that differ only in title, script and body class from one template.
// Usage: node scripts/build-client.mjs [--watch]
import { build, context } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashAndCompress } from './compressAssets.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(root, 'client');
const publicDir = join(clientDir, 'public');
const distDir = join(clientDir, 'dist');
const watch = process.argv.includes('--watch');

// mediasoup-client's entry also pulls in its test fakes and the React Native
// handler, none of which a browser can use; stubbing them trims ~40 KiB.
const BROWSER_UNUSED = /mediasoup-client[\\/]lib[\\/](handlers[\\/]FakeHandler|test[\\/]fakeParameters|handlers[\\/]ReactNative106)\.js$/;
const stubMediasoupExtras = {
  name: 'stub-mediasoup-extras',
  setup(b) {
    b.onLoad({ filter: BROWSER_UNUSED }, (args) => ({
      loader: 'js',
      contents: args.path.includes('ReactNative106')
        ? 'exports.ReactNative106 = { createFactory() { throw new Error("React Native is not supported"); } };'
        : 'module.exports = {};',
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const options = {
  absWorkingDir: root,
  entryPoints: {
    party: 'client/src/party/main.ts',
    console: 'client/src/console/main.ts',
    apply: 'client/src/apply/main.ts',
    track: 'client/src/track/main.ts',
    collective: 'client/src/collective/main.ts',
    counterclaim: 'client/src/counterclaim/main.ts',
    sign: 'client/src/sign/main.ts',
    verify: 'client/src/verify/main.ts',
  },
  outdir: distDir,
  // Content-hashed names: the server caches them immutably (see server/http/routes/pages.ts).
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020', 'safari14'],
  // esbuild cannot down-level destructuring, and flags Safari 14.0 for an
  // edge-case bug (fixed in 14.1); mediasoup-client and our code rely on it.
  supported: { destructuring: true },
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  plugins: [stubMediasoupExtras],
};

/** Pages built from client/pages/phone-page.html: same shell (top bar, language switch, #app). */
const phonePages = [
  { entry: 'party', title: '在线调解', bodyClass: 'page-party' },
  { entry: 'apply', title: '劳动争议在线申请', bodyClass: 'page-form page-apply' },
  { entry: 'track', title: '办理进度查询', bodyClass: 'page-form page-track' },
  { entry: 'collective', title: '加入集体申请', bodyClass: 'page-form page-collective' },
  { entry: 'counterclaim', title: '答辩与反请求', bodyClass: 'page-form page-counterclaim' },
];

function copyPublic() {
  if (!existsSync(publicDir)) throw new Error(`missing ${relative(root, publicDir)}`);
  cpSync(publicDir, distDir, { recursive: true });
  const template = readFileSync(join(clientDir, 'pages', 'phone-page.html'), 'utf8');
  for (const page of phonePages) {
    const html = template.replace(/\{\{(\w+)\}\}/g, (_, key) => page[key]);
    writeFileSync(join(distDir, `${page.entry}.html`), html);
  }
}

function formatSize(bytes) {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

async function main() {
  const started = Date.now();
  // A fresh dist each time keeps stale files (renamed assets) from lingering.
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  copyPublic();

  if (watch) {
    const ctx = await context({
      ...options,
      plugins: [
        ...options.plugins,
        { name: 'copy-public', setup: (b) => b.onEnd((result) => { copyPublic(); hashAndCompress(distDir, result.metafile, root); }) },
      ],
    });
    await ctx.watch();
    console.log('[build-client] watching client/src …');
    return;
  }

  const result = await build(options);
  const assets = hashAndCompress(distDir, result.metafile, root);
  for (const abs of assets) {
    const size = (suffix) => formatSize(statSync(abs + suffix).size);
    console.log(`[build-client] ${relative(root, abs)}  ${size('')}  (gzip ${size('.gz')}, brotli ${size('.br')})`);
  }
  console.log(`[build-client] done in ${Date.now() - started} ms`);
}

main().catch((err) => {
  // esbuild has already printed the diagnostics; keep the summary short.
  console.error(`[build-client] failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  process.exit(1);
});
