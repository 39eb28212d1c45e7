/**
 * The one place that chooses the ffmpeg binary: FFMPEG_BIN from config, else
 * ffmpeg-static's binary if its (download-only) install script put one
 * there, else Debian's ffmpeg on the PATH.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface FfmpegChoice {
  path: string;
  source: 'config' | 'ffmpeg-static' | 'system';
}

function ffmpegStaticPath(): string | undefined {
  try {
    // ffmpeg-static exports the path where its binary would be, whether or not it was downloaded.
    const candidate = require('ffmpeg-static') as string | null;
    return candidate && existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

export function resolveFfmpeg(configured: string | undefined, systemPath = '/usr/bin/ffmpeg'): FfmpegChoice {
  if (configured) {
    if (!existsSync(configured)) throw new Error(`FFMPEG_BIN points at ${configured}, which does not exist`);
    return { path: configured, source: 'config' };
  }
  const bundled = ffmpegStaticPath();
  if (bundled) return { path: bundled, source: 'ffmpeg-static' };
  if (existsSync(systemPath)) return { path: systemPath, source: 'system' };
  return { path: 'ffmpeg', source: 'system' };
}
