/**
 * Who is on the other end: the one rule for HTTP requests and socket.io
 * handshakes. X-Forwarded-For is believed only hop by hop from the proxies
 * named in TRUST_PROXY (addresses, CIDRs, or proxy-addr's names `loopback`,
 * `linklocal`, `uniquelocal`); with none named the socket's own address is
 * the client, whatever the headers say. Rate limits, the audit log and the
 * signature records all read the address from here (Fastify's `request.ip`
 * is built from the same trust function).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

export type TrustFunction = (address: string, hop: number) => boolean;

export interface ClientAddresses {
  /** What Fastify's `trustProxy` option gets: false when no proxy is trusted. */
  readonly fastifyTrust: false | TrustFunction;
  /** The client address of a raw request (a socket.io handshake's `socket.request`). */
  of(request: IncomingMessage): string;
}

export function clientAddresses(trustedProxies: readonly string[]): ClientAddresses {
  let trust: TrustFunction = () => false;
  if (trustedProxies.length > 0) {
    try {
      trust = proxyAddr.compile([...trustedProxies]);
    } catch (error) {
      throw new Error(`TRUST_PROXY: ${(error as Error).message}`);
    }
  }
  return {
    fastifyTrust: trustedProxies.length > 0 ? trust : false,
    of: (request) => proxyAddr(request, trust),
  };
}

interface TaggableSocket {
  request: IncomingMessage;
  data: { clientAddress?: string };
}
interface TaggableNamespace {
  use(fn: (socket: TaggableSocket, next: (err?: Error) => void) => void): unknown;
}

/** Every socket of every namespace (present and future) gets `socket.data.clientAddress` by the same rule, before any other middleware. */
export function tagSocketAddresses(
  io: TaggableNamespace & { on(event: 'new_namespace', listener: (namespace: TaggableNamespace) => void): unknown },
  addressOf: (request: IncomingMessage) => string,
): void {
  const tag = (socket: TaggableSocket, next: (err?: Error) => void) => {
    socket.data.clientAddress = addressOf(socket.request);
    next();
  };
  io.use(tag);
  io.on('new_namespace', (namespace) => namespace.use(tag));
}
