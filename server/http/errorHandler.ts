/** One error handler: the full error goes to the log; clients see a code and a message (generic for 5xx). */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, LocalizedError } from '../errors.ts';
import { langOf } from '../messages.ts';
import { redactUrl } from './logging.ts';
import { asStoreError, StoreUnavailableError } from '../store/storeErrors.ts';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError | AppError, request, reply) => {
    const error = asStoreError(raw) as FastifyError | AppError;
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: raw }, 'store unavailable; client told to retry');
      return reply
        .status(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .send({ statusCode: 503, code: error.code, error: 'Service Unavailable', message: error.message, retryable: true });
    }
    if (error instanceof LocalizedError) {
      return reply.status(error.statusCode).send({
        statusCode: error.statusCode,
        code: error.code,
        error: error.name,
        message: error.localized(langOf(request.headers['accept-language'])),
        ...(error.field ? { field: error.field } : {}),
      });
    }
    if (error instanceof AppError) {
      return reply.status(error.statusCode).send({
        statusCode: error.statusCode,
        code: error.code,
        error: error.name,
        message: error.message,
      });
    }
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    const code = error.validation ? 'INVALID_PAYLOAD' : (error.code ?? 'ERROR');
    return reply.status(statusCode).send({
      statusCode,
      code,
      error: statusCode >= 500 ? 'Internal Server Error' : error.name,
      message: statusCode >= 500 ? 'Internal error' : error.message,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `${request.method} ${redactUrl(request.url)} not found` }),
  );
}

/**
 * Requests Node's parser refuses before Fastify sees them (headers over the
 * limit, malformed request lines, timeouts) get the same body shape as
 * every other error: a status, a code and a message.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'Client Timeout']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'Exceeded maximum allowed HTTP header size']
        : [400, 'BAD_REQUEST', 'Client Error'];
  const body = JSON.stringify({ statusCode, code, error: STATUS_CODES[statusCode], message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
