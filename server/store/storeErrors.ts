/**
 * Telling a store that is briefly unreachable (PostgreSQL restarting or its
 * backends terminated, a refused or cut connection, SQLite locked by another
 * process beyond the busy timeout) from a real failure. Such an error reaches
 * clients as STORE_UNAVAILABLE: HTTP 503 with Retry-After, or
 * `{ok:false,error:{code:'STORE_UNAVAILABLE',retryable:true}}` on a socket.
 */
import { AppError } from '../errors.ts';

export const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE';
/** Seconds a client waits before trying again (the Retry-After header). */
export const STORE_RETRY_AFTER_SECONDS = 2;

/** PostgreSQL SQLSTATEs that mean "no usable connection right now" (classes 08, 28, 53 and 57P). */
const pgUnavailable = /^(08...|28...|53...|57P0[1-4])$/;
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const pgMessages = /^(Connection terminated|Client has encountered a connection error|Connection terminated unexpectedly|timeout exceeded when trying to connect|Client was closed and is not queryable|Postgres connection has been discarded)/;

export class StoreUnavailableError extends AppError {
  readonly retryable = true;
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;
  constructor(readonly reason: string) {
    super(STORE_UNAVAILABLE, 'The database is briefly unavailable; try again in a moment', 503);
    this.name = 'StoreUnavailableError';
  }
}

/** Is this error the store being unreachable or locked (worth retrying), not a bug or bad input? */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (socketCodes.has(code)) return true;
    if (pgUnavailable.test(code)) return true;
  }
  return pgMessages.test(error.message);
}

/** The coded retryable error for an unavailable store, or the error itself. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isStoreUnavailable(error)) return error;
  const code = (error as { code?: unknown }).code;
  return new StoreUnavailableError(typeof code === 'string' ? code : (error as Error).message.slice(0, 80));
}
