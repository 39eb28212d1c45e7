/**
 * mediasoup reads MEDIASOUP_WORKER_BIN once, when its module loads, so the
 * binary is settled here and mediasoup is only ever imported through
 * `loadMediasoup()`. The binary is built offline by scripts/setup.sh.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

type Mediasoup = typeof import('mediasoup');

const require = createRequire(import.meta.url);

export function mediasoupVersion(): string {
  const pkgFile = require.resolve('mediasoup/package.json');
  return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
}

/** Where scripts/build-mediasoup-worker.sh caches the worker for this mediasoup version. */
export function cachedWorkerBin(cacheDir: string): string {
  return path.join(cacheDir, 'mediasoup-worker', mediasoupVersion(), 'mediasoup-worker');
}

let loaded: Promise<Mediasoup> | undefined;

export function loadMediasoup(media: { workerBin: string | undefined; cacheDir: string }): Promise<Mediasoup> {
  loaded ??= (async () => {
    const bin = media.workerBin ?? cachedWorkerBin(media.cacheDir);
    if (!existsSync(bin)) {
      throw new Error(`mediasoup-worker not found at ${bin}: run "npm run setup" to build it`);
    }
    process.env.MEDIASOUP_WORKER_BIN = bin;
    return await import('mediasoup');
  })();
  return loaded;
}
