/**
 * The staff login, kept in localStorage so every console tab of this browser
 * is logged in (until the token expires or someone logs out; logging out in
 * one tab logs out all of them at their next request).
 */
import type { LoginResult, StaffUser } from '../api.ts';

const KEY = 'yunting.staff';

export interface StaffSession {
  token: string;
  expiresAt: string | number;
  user: StaffUser;
}

function expiresAtMs(value: string | number): number {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  return /^\d+$/.test(value) ? expiresAtMs(Number(value)) : Date.parse(value);
}

export function loadStaff(): StaffSession | undefined {
  try {
    const raw = localStorage.getItem(KEY) ?? sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const staff = JSON.parse(raw) as StaffSession;
    const expires = expiresAtMs(staff.expiresAt);
    if (!staff.token || (Number.isFinite(expires) && expires <= Date.now())) {
      localStorage.removeItem(KEY);
      sessionStorage.removeItem(KEY);
      return undefined;
    }
    return staff;
  } catch {
    return undefined;
  }
}

export function saveStaff(result: LoginResult): StaffSession {
  const staff: StaffSession = { token: result.token, expiresAt: result.expiresAt, user: result.user };
  try {
    localStorage.setItem(KEY, JSON.stringify(staff));
  } catch {
    // Storage disabled: the login lasts until the tab is reloaded.
  }
  return staff;
}

export function clearStaff(): void {
  try {
    localStorage.removeItem(KEY);
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing to clear
  }
}
