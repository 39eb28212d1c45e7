/**
 * The boundary for every socket request: the payload is checked against its
 * schema, requests from one socket run one at a time in arrival order, and
 * every outcome, thrown errors included, becomes an acknowledgement.
 */
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { compileSchema } from '../validation.ts';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
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

export function toAckError(error: unknown, log: FastifyBaseLogger): AckError {
  if (error instanceof AppError) return { code: error.code as AckError['code'], message: error.message };
  // mediasoup rejects malformed parameters with TypeError; that is the client's fault, not ours.
  if (error instanceof TypeError) return { code: ErrorCode.InvalidPayload, message: error.message };
  // The worker answered and refused the request (e.g. a MID or SSRC already in use on the transport): the client's doing too.
  const refusedByWorker = error instanceof Error ? /^(.*) \[method:[\w.]+\]$/s.exec(error.message) : null;
  if (refusedByWorker) return { code: ErrorCode.InvalidPayload, message: refusedByWorker[1]! };
  log.error({ err: error }, 'socket request failed');
  return { code: ErrorCode.Internal, message: 'Internal error' };
}

export function serveRequests(socket: YuntingSocket, handlers: RequestHandlers, log: FastifyBaseLogger): void {
  let queue: Promise<unknown> = Promise.resolve();

  for (const name of Object.keys(RequestSchemas) as RequestName[]) {
    (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(name, (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return; // every request must ask for an answer
      const payload = args.length > 1 ? args[0] : undefined;
      const reply = ack as (answer: Ack<unknown>) => void;
      const invalid = validationError(name, payload);
      if (invalid) {
        reply({ ok: false, error: invalid });
        return;
      }
      queue = queue.then(async () => {
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
    if (typeof ack === 'function') {
      (ack as (answer: Ack<never>) => void)({
        ok: false,
        error: { code: ErrorCode.UnknownEvent, message: `Unknown request "${event.slice(0, 64)}"` },
      });
    }
  });
}
