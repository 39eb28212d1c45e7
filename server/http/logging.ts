/**
 * What the server logs about a request, and what it never logs: each
 * request is one line with method, URL, host and client address; query
 * parameters that carry a credential (token, invite, code, …) are replaced by
 * `[redacted]`, and the Authorization and Cookie headers (should anything log
 * headers) are censored by pino's redaction.
 */
import type { DestinationStream, LoggerOptions } from 'pino';

const REDACTED = '[redacted]';
/** Query parameters that are, or may be, bearer credentials. */
const SECRET_PARAM = /token|invite|code|secret|password|key|sig/i;

/** The URL with every credential-like query value replaced; linear in the URL's length. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  let changed = false;
  for (const name of new Set(params.keys())) {
    if (!SECRET_PARAM.test(name)) continue;
    params.set(name, REDACTED);
    changed = true;
  }
  return changed ? `${url.slice(0, queryStart)}?${params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}` : url;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

export function loggerOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    serializers: {
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    ...(stream ? { stream } : {}),
  };
}
