/**
 * Coming back after a reload: the phone keeps the device choice made at the
 * device check (per invitation, in localStorage) and, while the session is
 * live, captures with it and goes straight back into the room.
 */
import { capture, type CaptureChoice } from './media.ts';
import type { PreviewResult } from './preview.ts';

const key = (partyToken: string) => `yunting.device.${partyToken.slice(-32)}`;

export function keepDeviceChoice(partyToken: string, choice: CaptureChoice): void {
  try {
    localStorage.setItem(key(partyToken), JSON.stringify(choice));
  } catch {
    // Storage disabled: the next visit shows the device check again.
  }
}

export function keptDeviceChoice(partyToken: string): CaptureChoice | undefined {
  try {
    const raw = localStorage.getItem(key(partyToken));
    return raw ? (JSON.parse(raw) as CaptureChoice) : undefined;
  } catch {
    return undefined;
  }
}

export function forgetDeviceChoice(partyToken: string): void {
  try {
    localStorage.removeItem(key(partyToken));
  } catch {
    // nothing kept
  }
}

/** The camera and microphone as chosen before; undefined (show the device check) when neither can be had. */
export async function resumeWithKeptChoice(choice: CaptureChoice): Promise<PreviewResult | undefined> {
  const result = await capture(choice, { audio: true, video: true }).catch(() => undefined);
  if (!result) return undefined;
  const audioTrack = result.stream.getAudioTracks()[0];
  const videoTrack = result.stream.getVideoTracks()[0];
  if (!audioTrack && !videoTrack) return undefined;
  return { audioTrack, videoTrack, choice };
}
