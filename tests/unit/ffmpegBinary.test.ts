import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../server/recording/ffmpegBinary.ts';

describe('ffmpeg binary resolution', () => {
  it('prefers the configured binary and refuses a missing one', () => {
    expect(resolveFfmpeg('/usr/bin/ffmpeg')).toEqual({ path: '/usr/bin/ffmpeg', source: 'config' });
    expect(() => resolveFfmpeg('/nope/ffmpeg')).toThrow(/does not exist/);
  });

  it('falls back to a binary that really runs', () => {
    const choice = resolveFfmpeg(undefined);
    expect(['ffmpeg-static', 'system']).toContain(choice.source);
    expect(execFileSync(choice.path, ['-version']).toString()).toMatch(/^ffmpeg version/);
  });
});
