import type { ParticipantRole } from '../../server/signalling/protocol.ts';
import { getLang } from './i18n.ts';

export type StaffRole = Extract<ParticipantRole, 'admin' | 'mediator' | 'arbitrator' | 'clerk'>;
export type PartyRole = Exclude<ParticipantRole, StaffRole>;
export type RoomMode = 'face_to_face' | 'back_to_back' | 'hearing';

export const ROOM_MODES: readonly RoomMode[] = ['face_to_face', 'back_to_back', 'hearing'];
export const PARTY_ROLES: readonly PartyRole[] = [
  'applicant',
  'respondent',
  'applicant_agent',
  'respondent_agent',
  'expert',
  'witness',
];

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  /** null for platform staff (e.g. the platform administrator). */
  organisationId?: string | null;
}

export interface LoginResult {
  token: string;
  expiresAt: string | number;
  user: StaffUser;
}

export interface Health {
  status: string;
  version: string;
  workers: unknown;
}

export interface Room {
  id: string;
  title: string;
  mode: RoomMode;
  createdAt: string | number;
  caseId?: string | null;
  scheduledAt?: string | null;
}

export interface CreatedInvitation {
  id?: string;
  token: string;
  url: string;
  /** 8 digits a party can type on /join instead of opening the link. */
  shortCode?: string;
  expiresAt: string | number;
}

export interface InvitationInfo {
  roomId: string;
  roomTitle: string;
  roomMode: RoomMode;
  displayName: string;
  role: ParticipantRole;
  expiresAt: string | number;
  caseId?: string | null;
  scheduledAt?: string | null;
  /** The host has entered the session at least once (the party may rate it afterwards). */
  sessionStarted?: boolean;
  /** The host ended the session: the end screen instead of the device check. */
  ended?: import('../../server/signalling/protocol.ts').SessionEnd | null;
}

/** Any failed API call. `status` 0 means the request never got an HTTP answer. */
export class ApiError extends Error {
  /** From Retry-After, when the server says when to ask again (503 STORE_UNAVAILABLE). */
  retryAfterSeconds: number | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The form field at fault, e.g. `applicant.idNumber`, when the server names one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isAuth(): boolean {
    return this.status === 401;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string;
  timeoutMs?: number;
}

/**
 * One JSON request. A read answered 503 STORE_UNAVAILABLE (the database is
 * briefly away) is asked again after the server's Retry-After, a few times.
 */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apiFetchOnce<T>(path, options);
    } catch (error) {
      const read = (options.method ?? 'GET') === 'GET';
      if (!read || !(error instanceof ApiError) || error.code !== 'STORE_UNAVAILABLE' || attempt > 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, error.retryAfterSeconds ?? 2) * 1000));
    }
  }
}

async function apiFetchOnce<T>(path: string, options: RequestOptions): Promise<T> {
  // Messages a party reads come back in the page's language, not the browser's.
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': requestLanguage() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: controller.signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, controller.signal.aborted ? 'TIMEOUT' : 'NETWORK', err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }

  const text = await response.text().catch(() => '');
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!response.ok) {
    const error = errorFromBody(response.status, data, response.statusText);
    const retryAfter = Number(response.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfterSeconds = retryAfter;
    throw error;
  }
  return data as T;
}

function errorFromBody(status: number, data: unknown, statusText: string): ApiError {
  const body = (data ?? {}) as { code?: unknown; message?: unknown; error?: unknown; field?: unknown };
  const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
  const message =
    typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : statusText || `HTTP ${status}`;
  return new ApiError(status, code, message, typeof body.field === 'string' ? body.field : undefined);
}

export function requestLanguage(): string {
  return getLang() === 'en' ? 'en' : 'zh-CN';
}

/**
 * Sends a multipart form with upload progress (fetch cannot report it). Used
 * for applications with evidence on slow mobile links; no overall timeout,
 * only one for a stalled upload.
 */
export function apiUpload<T>(
  path: string,
  form: FormData,
  options: { onProgress?: (fraction: number) => void; stallMs?: number; token?: string } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', requestLanguage());
    if (options.token) xhr.setRequestHeader('authorization', `Bearer ${options.token}`);
    const stallMs = options.stallMs ?? 60_000;
    let stalled = false;
    const arm = () =>
      setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, stallMs);
    let stallTimer = arm();
    const poke = () => {
      clearTimeout(stallTimer);
      stallTimer = arm();
    };
    xhr.upload.addEventListener('progress', (event) => {
      poke();
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      clearTimeout(stallTimer);
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(errorFromBody(xhr.status, data, xhr.statusText));
    });
    xhr.addEventListener('error', () => {
      clearTimeout(stallTimer);
      reject(new ApiError(0, 'NETWORK', 'Network error'));
    });
    xhr.addEventListener('abort', () => {
      clearTimeout(stallTimer);
      reject(new ApiError(0, stalled ? 'TIMEOUT' : 'NETWORK', 'Upload interrupted'));
    });
    xhr.send(form);
  });
}

export const api = {
  login: (username: string, password: string) =>
    apiFetch<LoginResult>('/api/auth/login', { method: 'POST', body: { username, password } }),

  health: () => apiFetch<Health>('/api/health'),

  listRooms: (token: string) => apiFetch<{ rooms: Room[] }>('/api/rooms', { token }),

  createRoom: (token: string, title: string, mode: RoomMode) =>
    apiFetch<Room>('/api/rooms', { method: 'POST', token, body: { title, mode } }),

  createInvitation: (token: string, roomId: string, input: { displayName: string; role: PartyRole; ttlMinutes?: number }) =>
    apiFetch<CreatedInvitation>(`/api/rooms/${encodeURIComponent(roomId)}/invitations`, {
      method: 'POST',
      token,
      body: input,
    }),

  /** Exchanges the one-time link (or the typed 8-digit code) for this phone's own party token. */
  redeemInvitation: (credential: { token: string } | { shortCode: string }) =>
    apiFetch<{ partyToken: string; expiresAt: string }>('/api/invitations/redeem', { method: 'POST', body: credential }),

  getInvitation: (partyToken: string) => apiFetch<InvitationInfo>('/api/invitation', { token: partyToken }),
};
