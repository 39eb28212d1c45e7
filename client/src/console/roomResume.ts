/** The room this console tab is in, kept in sessionStorage so a reload of the tab returns to it. */
import type { Room } from '../api.ts';
import type { CaptureChoice } from '../room/media.ts';

const KEY = 'yunting.console.room';

export interface OpenRoom {
  room: Room;
  choice: CaptureChoice;
  /** The case the room was entered from (its page is where "back" leads). */
  caseId: string | null;
}

export function rememberOpenRoom(room: Room, choice: CaptureChoice, caseId: string | null): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ room, choice, caseId } satisfies OpenRoom));
  } catch {
    // Storage disabled: a reload lands on the case page.
  }
}

export function openRoomToResume(): OpenRoom | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as OpenRoom) : undefined;
  } catch {
    return undefined;
  }
}

export function forgetOpenRoom(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing kept
  }
}
