/**
 * A session's recording state as the people in the room see it: off,
 * starting, recording, or interrupted with the tracks that are not being
 * recorded. The session recorder reports; the session tells everyone.
 */
import type { ProducerSource, RecordingFailure, RecordingState } from '../signalling/protocol.ts';

export interface TrackFailure {
  /** Whose track: the participant's subject, so each viewer learns only of people they may see. */
  subject: string;
  name: string;
  source: ProducerSource;
  reason: RecordingFailure;
}

export class RecordingStatus {
  private status: RecordingState['status'];
  private failing: TrackFailure[] = [];

  constructor(
    readonly enabled: boolean,
    private readonly onChange: () => void,
  ) {
    this.status = enabled ? 'starting' : 'off';
  }

  get current(): { status: RecordingState['status']; failing: readonly TrackFailure[] } {
    return { status: this.status, failing: this.failing };
  }

  /** From the session recorder; a change is pushed to the room. Recording switched off stays off. */
  report(status: 'starting' | 'recording' | 'interrupted', failing: TrackFailure[] = []): void {
    if (!this.enabled) return;
    const ordered = [...failing].sort((a, b) => `${a.name}:${a.source}`.localeCompare(`${b.name}:${b.source}`));
    if (status === this.status && JSON.stringify(ordered) === JSON.stringify(this.failing)) return;
    this.status = status;
    this.failing = ordered;
    this.onChange();
  }

  viewFor(mayKnow: (subject: string) => boolean): RecordingState {
    return {
      status: this.status,
      failing: this.failing.filter((f) => mayKnow(f.subject)).map(({ name, source, reason }) => ({ name, source, reason })),
    };
  }
}
