/** Small labels of the live session shared by the phone and console views. */
import type { HearingPhase, ParticipantView, Side } from '../../../server/signalling/protocol.ts';
import { locale, t, type I18nKey } from '../i18n.ts';

/** The hearing phases in order (the server's list; repeated here so the bundle needs no server code). */
export const HEARING_PHASES = [
  'opening',
  'notice',
  'claims_defence',
  'investigation',
  'debate',
  'mediation',
  'final_statements',
  'closing',
] as const satisfies readonly HearingPhase[];

export const CLOSING_OUTCOMES = ['ruling', 'adjournment', 'settlement'] as const;
export type ClosingOutcome = (typeof CLOSING_OUTCOMES)[number];

export function phaseKey(phase: HearingPhase): I18nKey {
  return `phase.${phase}`;
}

export function nextPhase(phase: HearingPhase | null): HearingPhase | undefined {
  return HEARING_PHASES[phase === null ? 0 : HEARING_PHASES.indexOf(phase) + 1];
}

export function sideKey(side: Side): I18nKey {
  return `side.${side}`;
}

export function presenceKey(presence: ParticipantView['presence']): I18nKey {
  return `room.presence.${presence}`;
}

/** Clock time of an ISO timestamp, e.g. 14:05:09. */
export function clockText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** Short clock time for chat lines, e.g. 14:05. */
export function shortClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** Elapsed time as m:ss or h:mm:ss. */
export function elapsedText(sinceIso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function initials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '?';
  // Chinese names read best as the last characters (given name); Latin names as initials.
  if (/[\u3400-\u9fff]/.test(trimmed)) return trimmed.slice(-2);
  return trimmed
    .split(/\s+/)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A server or network error as one line of text. */
export function errorText(err: unknown): string {
  if ((err as { code?: unknown } | null)?.code === 'STORE_UNAVAILABLE') return t('room.storeUnavailable');
  return err instanceof Error ? err.message : String(err);
}

