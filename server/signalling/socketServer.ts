/**
 * socket.io on the HTTP server: the handshake proves who the socket is
 * (an invitation or a staff login plus a room), then every request goes
 * through the validated request boundary.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { Type } from '@sinclair/typebox';
import { compileSchema } from '../validation.ts';
import { tagSocketAddresses } from '../http/clientAddress.ts';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
import type { RoomService } from '../rooms/roomService.ts';
import type { CaseService } from '../cases/caseService.ts';
import type { LiveRooms } from '../rooms/liveRooms.ts';
import type { Notify } from '../media/mediaPeer.ts';
import { ErrorCode } from './protocol.ts';
import { serveRequests } from './requests.ts';
import { defaultSocketRateLimits, type SocketRateLimits } from './rateLimit.ts';
import { asStoreError } from '../store/storeErrors.ts';
import { mediaHandlers } from './handlers/mediaHandlers.ts';
import { sessionHandlers } from './handlers/sessionHandlers.ts';
import type { LiveSessions } from '../sessions/liveSessions.ts';
import type { Db } from '../store/database.ts';
import type { YuntingIo, YuntingSocket } from './types.ts';
import type { Revocations } from '../auth/revocations.ts';
import { admitSubject } from './revocationSweep.ts';

const HandshakeAuth = compileSchema(
  Type.Object({
    token: Type.String({ minLength: 10, maxLength: 4096 }),
    roomId: Type.Optional(Type.String({ minLength: 36, maxLength: 36 })),
  }),
);

export interface SignallingDeps {
  rooms: RoomService;
  cases: CaseService;
  liveRooms: LiveRooms;
  sessions: LiveSessions;
  db: Db;
  log: FastifyBaseLogger;
  /** The client address of a handshake (server/http/clientAddress.ts: the same rule as HTTP). */
  clientAddress: (request: IncomingMessage) => string;
  revocations: Revocations;
  /** Per-socket request rates; null turns them off (tests only). */
  rateLimits?: SocketRateLimits | null;
}

export function attachSignalling(httpServer: HttpServer, deps: SignallingDeps): YuntingIo {
  const io: YuntingIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
  });
  tagSocketAddresses(io, deps.clientAddress);

  io.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    if (!HandshakeAuth.Check(auth)) {
      next(Object.assign(new Error('A token is required to connect'), { data: { code: ErrorCode.Unauthorized } }));
      return;
    }
    deps.rooms
      .identifySocket(auth.token, auth.roomId)
      .then((identity) => {
        socket.data.identity = identity;
        next();
      })
      .catch((error: unknown) => {
        const store = asStoreError(error);
        const code = store instanceof AppError ? store.code : ErrorCode.Internal;
        const message = store instanceof AppError ? store.message : 'Could not verify the token';
        if (!(store instanceof AppError)) deps.log.error({ err: error }, 'socket handshake failed');
        next(Object.assign(new Error(message), { data: { code } }));
      });
  });

  io.on('connection', (socket: YuntingSocket) => onConnection(socket, deps));
  return io;
}

function onConnection(socket: YuntingSocket, deps: SignallingDeps): void {
  // Withdrawn while the handshake was under way: cut before anything is served.
  if (!admitSubject(socket as never, socket.data.identity.subject, deps.revocations)) return;
  // Every request re-checks the (in-memory, so cheap) revocations: nothing is served after a withdrawal.
  socket.use((_packet, next) => {
    if (!deps.revocations.reasonFor(socket.data.identity.subject)) return next();
    socket.disconnect(false);
  });
  const log = deps.log.child({ socketId: socket.id, roomId: socket.data.identity.roomId, role: socket.data.identity.role });
  const notify: Notify = (event, ...args) => {
    socket.emit(event, ...args);
    // A connection told it is finished is cut once the message is out.
    if (event === 'room:closed') setImmediate(() => socket.disconnect(true));
  };
  const handlers = { ...mediaHandlers(socket, deps, notify), ...sessionHandlers(socket, deps) };
  serveRequests(socket, handlers, log, deps.rateLimits === undefined ? defaultSocketRateLimits : deps.rateLimits);
  socket.on('disconnect', (reason) => {
    log.debug({ reason }, 'socket disconnected');
    const peerId = socket.data.peerId;
    if (peerId) deps.liveRooms.get(socket.data.identity.roomId)?.removePeer(peerId);
  });
}
