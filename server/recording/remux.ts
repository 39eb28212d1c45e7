/** Making a cut-off segment (ffmpeg killed mid-file) playable again. */
import { spawn } from 'node:child_process';

/** Rewrites a cut-off Matroska/WebM file with a proper index; resolves with its duration (0 when nothing in it plays). */
export function remuxCutOff(ffmpegPath: string, input: string, output: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, '-map', '0', '-c', 'copy', output]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(stderr));
      const probe = spawn('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', output]);
      let out = '';
      probe.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      probe.once('error', () => resolve(0));
      probe.once('exit', () => resolve(Number(out.trim()) || 0));
    });
  });
}
