import { execFileSync } from 'node:child_process';

export interface ProbeResult {
  format: { duration: string };
  streams: { codec_type: string; codec_name: string; duration?: string }[];
  chapters?: { tags?: { title?: string }; start_time: string; end_time: string }[];
}

/** ffprobe's view of a media file: streams, durations and chapters. */
export function ffprobe(file: string): ProbeResult {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-show_chapters', '-of', 'json', file], { encoding: 'utf8' }),
  ) as ProbeResult;
}

/** Decodes the whole file; throws if ffmpeg finds it unplayable. */
export function decodes(file: string): void {
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { stdio: 'pipe' });
}
