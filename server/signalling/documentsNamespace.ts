/**
 * Live documents on socket.io namespace /documents: a party's phone (party
 * token) or a console (staff token + the case it shows) receives
 * `document:draft` with the document as that reader sees it, on connecting
 * and on every change (each edit of the draft, a new version, a signature,
 * the seal).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Server } from 'socket.io';
import type { AuthService } from '../auth/authService.ts';
import type { CaseService } from '../cases/caseService.ts';
import type { DocumentActor, DocumentService } from '../documents/documentService.ts';
import { AppError } from '../errors.ts';
import { compileSchema } from '../validation.ts';
import { isStoreUnavailable, STORE_UNAVAILABLE } from '../store/storeErrors.ts';

const Handshake = compileSchema(
  Type.Object({ token: Type.String({ minLength: 10, maxLength: 4096 }), caseId: Type.Optional(Type.String({ format: 'uuid' })) }),
);

export function attachDocumentsNamespace(
  io: Server,
  deps: { auth: AuthService; cases: CaseService; documents: DocumentService; log: FastifyBaseLogger },
): void {
  const namespace = io.of('/documents');

  namespace.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    if (!Handshake.Check(auth)) {
      next(Object.assign(new Error('A party token, or a staff login and a case, are required'), { data: { code: 'UNAUTHORIZED' } }));
      return;
    }
    const identify = async () => {
      const actor: DocumentActor = await deps.auth.actorFromToken(auth.token);
      const caseId = actor.kind === 'party' ? actor.caseId : (auth.caseId ?? null);
      if (!caseId) throw new AppError('UNAUTHORIZED', actor.kind === 'party' ? 'This invitation is not for a case' : 'Name the case to follow', 401);
      await deps.cases.authorised(actor, caseId, 'case:view');
      socket.data.actor = actor;
      socket.data.caseId = caseId;
    };
    identify().then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof AppError) && !isStoreUnavailable(error)) deps.log.error({ err: error }, 'documents: handshake failed');
        const code = error instanceof AppError ? error.code : isStoreUnavailable(error) ? STORE_UNAVAILABLE : 'INTERNAL';
        next(Object.assign(new Error(error instanceof AppError ? error.message : 'Could not verify'), { data: { code } }));
      },
    );
  });

  namespace.on('connection', (socket) => {
    const actor = socket.data.actor as DocumentActor;
    const caseId = socket.data.caseId as string;
    void socket.join(`case:${caseId}`);
    deps.documents.listForCase(actor, caseId).then(
      (views) => {
        for (const view of views) socket.emit('document:draft', view);
        socket.emit('documents:ready', { count: views.length });
      },
      (error: unknown) => deps.log.error({ err: error }, 'documents: first push failed'),
    );
  });

  deps.documents.events.subscribe((change) => {
    void namespace
      .in(`case:${change.caseId}`)
      .fetchSockets()
      .then((sockets) => {
        for (const socket of sockets) {
          deps.documents.get(socket.data.actor as DocumentActor, change.documentId).then(
            (view) => socket.emit('document:draft', view),
            (error: unknown) => deps.log.error({ err: error, documentId: change.documentId }, 'documents: push failed'),
          );
        }
      })
      .catch((error: unknown) => deps.log.error({ err: error, documentId: change.documentId }, 'documents: could not list the sockets to push to'));
  });
}
