/**
 * Cuts every live socket of a withdrawn subject, in every namespace (the
 * session on `/`, `/documents`, `/progress`), telling it why first. Each
 * namespace's connection handler calls `admitSubject`, which files the
 * socket under its subject and refuses one whose subject was revoked while
 * its handshake was under way.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import { subjectRoom, type RevocationReason, type Revocations } from '../auth/revocations.ts';

/** The event every namespace sends before it disconnects a withdrawn subject's socket. */
export const REVOKED_EVENT = 'auth:revoked';

const NAMESPACES = ['/', '/documents', '/progress'] as const;

function tell(target: { emit(event: string, ...args: unknown[]): unknown }, namespace: string, reason: RevocationReason): void {
  // The session page already ends on room:closed; every page understands auth:revoked.
  if (namespace === '/') target.emit('room:closed', { reason });
  target.emit(REVOKED_EVENT, { reason });
}

/** Files the socket under its subject; false (and the socket is cut) when that subject was just revoked. */
export function admitSubject(socket: Socket, subject: string, revocations: Revocations): boolean {
  const reason = revocations.reasonFor(subject);
  if (reason) {
    tell(socket, socket.nsp.name, reason);
    socket.disconnect(false);
    return false;
  }
  void socket.join(subjectRoom(subject));
  return true;
}

export function attachRevocationSweep(io: Server, revocations: Revocations): () => void {
  return revocations.subscribe(({ subject, reason }) => {
    for (const name of NAMESPACES) {
      const namespace: Namespace = io.of(name);
      const room = subjectRoom(subject);
      // Packets of one connection arrive in order: the reason, then the disconnect.
      tell(namespace.to(room), name, reason);
      namespace.in(room).disconnectSockets(false);
    }
  });
}
