import { describe, expect, it } from 'vitest';
import { restartDelayMs, RESTART_CAP_MS } from '../../server/recording/trackHealth.ts';
import { RecordingStatus } from '../../server/sessions/recordingStatus.ts';

describe('recorder restart back-off', () => {
  it('doubles from one second and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => restartDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(restartDelayMs(7)).toBe(RESTART_CAP_MS);
    expect(restartDelayMs(10_000)).toBe(RESTART_CAP_MS);
    expect(restartDelayMs(0)).toBe(0);
  });
});

describe('recording status', () => {
  it('is off for good when recording is switched off', () => {
    let pushed = 0;
    const status = new RecordingStatus(false, () => pushed++);
    status.report('recording');
    expect(status.viewFor(() => true)).toEqual({ status: 'off', failing: [] });
    expect(pushed).toBe(0);
  });

  it('pushes only changes, and names a failing track only to those who may know its owner', () => {
    let pushed = 0;
    const status = new RecordingStatus(true, () => pushed++);
    expect(status.current.status).toBe('starting');
    status.report('recording');
    status.report('recording');
    expect(pushed).toBe(1);
    const failing = [{ subject: 'invite:a', name: '张三', source: 'camera' as const, reason: 'recorder_exited' as const }];
    status.report('interrupted', failing);
    status.report('interrupted', [...failing]);
    expect(pushed).toBe(2);
    expect(status.viewFor(() => true)).toEqual({ status: 'interrupted', failing: [{ name: '张三', source: 'camera', reason: 'recorder_exited' }] });
    expect(status.viewFor(() => false)).toEqual({ status: 'interrupted', failing: [] });
  });
});
