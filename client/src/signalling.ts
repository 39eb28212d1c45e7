import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  ErrorCode,
  RequestName,
  RequestPayload,
  ResponseData,
  ServerToClientEvents,
} from '../../server/signalling/protocol.ts';

export type SignallingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Server error codes plus the two the client produces itself. */
export type SignallingErrorCode = ErrorCode | 'TIMEOUT' | 'DISCONNECTED';

export class SignallingError extends Error {
  constructor(
    readonly code: SignallingErrorCode,
    message: string,
    readonly request?: RequestName,
  ) {
    super(message);
    this.name = 'SignallingError';
  }
}

export function isSignallingError(err: unknown, ...codes: SignallingErrorCode[]): err is SignallingError {
  return err instanceof SignallingError && (codes.length === 0 || codes.includes(err.code));
}

export interface ConnectOptions {
  token: string;
  roomId?: string;
}

/** Opens the socket; socket.io reconnects on its own after network drops. */
export function connectSignalling({ token, roomId }: ConnectOptions): SignallingSocket {
  return io(location.origin, {
    auth: roomId ? { token, roomId } : { token },
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.3,
    timeout: 10_000,
  });
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One acknowledged request. Fails fast while disconnected: socket.io would
 * otherwise buffer the packet and replay it into the next connection, where
 * it belongs to a peer that no longer exists.
 */
/** How often a request answered STORE_UNAVAILABLE (the server changed nothing) is sent again, and after how long. */
const STORE_RETRIES = 3;
const STORE_RETRY_MS = 1_500;

export async function request<N extends RequestName>(
  socket: SignallingSocket,
  name: N,
  payload: RequestPayload<N>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ResponseData[N]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestOnce(socket, name, payload, timeoutMs);
    } catch (error) {
      // The database was briefly unavailable and nothing changed: the same request is safe to send again.
      if (!(error instanceof SignallingError) || error.code !== 'STORE_UNAVAILABLE' || attempt > STORE_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS * attempt));
    }
  }
}

async function requestOnce<N extends RequestName>(
  socket: SignallingSocket,
  name: N,
  payload: RequestPayload<N>,
  timeoutMs: number,
): Promise<ResponseData[N]> {
  if (!socket.connected) throw new SignallingError('DISCONNECTED', `${name}: not connected`, name);
  // The generic event map cannot be narrowed per N through socket.io's
  // conditional types, so the call is made through a plain signature.
  const timed = socket.timeout(timeoutMs) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<Ack<ResponseData[N]>>;
  };
  let reply: Ack<ResponseData[N]>;
  try {
    reply = await timed.emitWithAck(name, payload);
  } catch {
    throw new SignallingError(socket.connected ? 'TIMEOUT' : 'DISCONNECTED', `${name}: no answer`, name);
  }
  if (!reply || typeof reply !== 'object') throw new SignallingError('INTERNAL', `${name}: malformed reply`, name);
  if (reply.ok) return reply.data;
  throw new SignallingError(reply.error?.code ?? 'INTERNAL', reply.error?.message ?? 'request failed', name);
}
