#!/usr/bin/env node
// Bundles the browser pages and copies client/public into client/dist.
// Usage: node scripts/build-client.mjs [--watch]
import { build, context } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    counterclaim: 'client/src/counterclaim/main.ts',
    sign: 'client/src/sign/main.ts',
    verify: 'client/src/verify/main.ts',
  },
  outdir: distDir,
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

function copyPublic() {
  if (!existsSync(publicDir)) throw new Error(`missing ${relative(root, publicDir)}`);
  cpSync(publicDir, distDir, { recursive: true });
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
      plugins: [...options.plugins, { name: 'copy-public', setup: (b) => b.onEnd(() => copyPublic()) }],
    });
    await ctx.watch();
    console.log('[build-client] watching client/src …');
    return;
  }

  const result = await build(options);
  for (const file of Object.keys(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const abs = resolve(root, file);
    console.log(`[build-client] ${relative(root, abs)}  ${formatSize(statSync(abs).size)}`);
  }
  console.log(`[build-client] done in ${Date.now() - started} ms`);
}

main().catch((err) => {
  // esbuild has already printed the diagnostics; keep the summary short.
  console.error(`[build-client] failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  process.exit(1);
});
