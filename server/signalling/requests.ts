/**
 * The boundary for every socket request: each socket's requests are rate
 * limited per class, the payload is checked against its schema, requests
 * from one socket run one at a time in arrival order (none once the socket
 * has gone), and every outcome, thrown errors included, becomes an
 * acknowledgement.
 */
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { compileSchema } from '../validation.ts';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
import { asStoreError, StoreUnavailableError } from '../store/storeErrors.ts';
import {
  ErrorCode,
  RequestSchemas,
  type Ack,
  type AckError,
  type RequestName,
  type RequestPayload,
  type ResponseData,
} from './protocol.ts';
import type { YuntingSocket } from './types.ts';
import { classOf, defaultSocketRateLimits, socketLimiter, type RequestClass, type SocketRateLimits } from './rateLimit.ts';

const validators = Object.fromEntries(
  Object.entries(RequestSchemas).map(([name, schema]) => [name, compileSchema(schema as TSchema)]),
) as Record<RequestName, TypeCheck<TSchema>>;

export type RequestHandler<N extends RequestName> = (payload: RequestPayload<N>) => Promise<ResponseData[N]>;
export type RequestHandlers = { [N in RequestName]: RequestHandler<N> };

export function validationError(name: RequestName, payload: unknown): AckError | undefined {
  const check = validators[name];
  if (check.Check(payload)) return undefined;
  const first = check.Errors(payload).First();
  const where = first?.path ? first.path : '(payload)';
  return { code: ErrorCode.InvalidPayload, message: `${name}: ${where} ${first?.message ?? 'is invalid'}` };
}

export function toAckError(raw: unknown, log: FastifyBaseLogger): AckError {
  const error = asStoreError(raw);
  if (error instanceof StoreUnavailableError) {
    log.warn({ err: raw }, 'store unavailable; client told to retry');
    return { code: ErrorCode.StoreUnavailable, message: error.message, retryable: true };
  }
  if (error instanceof AppError) return { code: error.code as AckError['code'], message: error.message };
  // mediasoup rejects malformed parameters with TypeError; that is the client's fault, not ours.
  if (error instanceof TypeError) return { code: ErrorCode.InvalidPayload, message: error.message };
  // The worker answered and refused the request (e.g. a MID or SSRC already in use on the transport): the client's doing too.
  const refusedByWorker = error instanceof Error ? /^(.*) \[method:[\w.]+\]$/s.exec(error.message) : null;
  if (refusedByWorker) return { code: ErrorCode.InvalidPayload, message: refusedByWorker[1]! };
  log.error({ err: error }, 'socket request failed');
  return { code: ErrorCode.Internal, message: 'Internal error' };
}

export function serveRequests(
  socket: YuntingSocket,
  handlers: RequestHandlers,
  log: FastifyBaseLogger,
  limits: SocketRateLimits | null = defaultSocketRateLimits,
): void {
  let queue: Promise<unknown> = Promise.resolve();
  const limiter = limits ? socketLimiter(limits) : () => 'ok' as const;
  /** False when the request is refused for its rate; a flooding socket is cut. */
  const withinRate = (cls: RequestClass, reply?: (answer: Ack<never>) => void): boolean => {
    const verdict = limiter(cls);
    if (verdict === 'ok') return true;
    reply?.({ ok: false, error: { code: ErrorCode.RateLimited, message: 'Too many requests; slow down' } });
    if (verdict === 'disconnect' && socket.connected) {
      log.warn({ requestClass: cls }, 'socket flooding beyond its rate limits; disconnecting');
      socket.disconnect(true);
    }
    return false;
  };

  for (const name of Object.keys(RequestSchemas) as RequestName[]) {
    (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(name, (...args: unknown[]) => {
      const ack = args.at(-1);
      const payload = args.length > 1 ? args[0] : undefined;
      const invalid = typeof ack === 'function' ? validationError(name, payload) : undefined;
      // Malformed input costs one check and is counted in its own, larger bucket; valid requests in their class's.
      if (!withinRate(typeof ack !== 'function' || invalid ? 'invalid' : classOf(name), typeof ack === 'function' ? (ack as (answer: Ack<never>) => void) : undefined)) return;
      if (typeof ack !== 'function') return; // every request must ask for an answer
      const reply = ack as (answer: Ack<unknown>) => void;
      if (invalid) {
        reply({ ok: false, error: invalid });
        return;
      }
      queue = queue.then(async () => {
        // A socket that left while this waited gets no more work done for it (no ghost peers).
        if (!socket.connected) return;
        try {
          const data = await (handlers[name] as RequestHandler<RequestName>)(payload as RequestPayload<RequestName>);
          reply({ ok: true, data });
        } catch (error) {
          reply({ ok: false, error: toAckError(error, log) });
        }
      });
    });
  }

  socket.onAny((event: string, ...args: unknown[]) => {
    if (event in RequestSchemas) return;
    const ack = args.at(-1);
    if (!withinRate('invalid', typeof ack === 'function' ? (ack as (answer: Ack<never>) => void) : undefined)) return;
    if (typeof ack === 'function') {
      (ack as (answer: Ack<never>) => void)({
        ok: false,
        error: { code: ErrorCode.UnknownEvent, message: `Unknown request "${event.slice(0, 64)}"` },
      });
    }
  });
}
