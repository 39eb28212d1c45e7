/**
 * Live documents on socket.io namespace /documents: a party's phone (party
 * token) or a console (staff token + the case it shows) receives
 * `document:draft` with the document as that reader sees it, on connecting
 * and on every change (each edit of the draft, a new version, a signature,
 * the seal). During a private talk (背对背) the other side is sent nothing
 * that changed since it began, and everything when it ends (DraftAudience).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Server } from 'socket.io';
import type { AuthService } from '../auth/authService.ts';
import type { CaseService } from '../cases/caseService.ts';
import type { DocumentActor, DocumentService } from '../documents/documentService.ts';
import { AppError } from '../errors.ts';
import { compileSchema } from '../validation.ts';
import { subjectOf, type Revocations } from '../auth/revocations.ts';
import { admitSubject } from './revocationSweep.ts';
import type { DraftAudience } from '../documents/draftAudience.ts';
import { isStoreUnavailable, STORE_UNAVAILABLE } from '../store/storeErrors.ts';

const Handshake = compileSchema(
  Type.Object({ token: Type.String({ minLength: 10, maxLength: 4096 }), caseId: Type.Optional(Type.String({ format: 'uuid' })) }),
);

export function attachDocumentsNamespace(
  io: Server,
  deps: { auth: AuthService; cases: CaseService; documents: DocumentService; log: FastifyBaseLogger; revocations: Revocations; audience: DraftAudience },
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

  /** Sends the reader every document it may see now, and whether some are held back by a private talk. */
  const pushAll = (socket: { data: Record<string, unknown>; emit(event: string, ...args: unknown[]): unknown }, first: boolean) => {
    const actor = socket.data.actor as DocumentActor;
    const caseId = socket.data.caseId as string;
    return deps.documents.listForCase(actor, caseId).then(
      (views) => {
        const shown = views.filter((view) => !deps.audience.withholds(actor, caseId, view.updatedAt));
        for (const view of shown) socket.emit('document:draft', view);
        if (actor.kind === 'party') socket.emit('documents:held', { held: deps.audience.excludes(actor, caseId) });
        if (first) socket.emit('documents:ready', { count: shown.length });
      },
      (error: unknown) => deps.log.error({ err: error }, 'documents: push failed'),
    );
  };

  namespace.on('connection', (socket) => {
    const actor = socket.data.actor as DocumentActor;
    const caseId = socket.data.caseId as string;
    if (!admitSubject(socket, subjectOf(actor), deps.revocations)) return;
    void socket.join(`case:${caseId}`);
    void pushAll(socket, true);
  });

  deps.documents.events.subscribe((change) => {
    namespace
      .in(`case:${change.caseId}`)
      .fetchSockets()
      .then((sockets) => {
        for (const socket of sockets) {
          const actor = socket.data.actor as DocumentActor;
          // During a private talk the other side is not told of changes; it gets the current documents when the talk ends.
          if (deps.audience.excludes(actor, change.caseId)) continue;
          deps.documents.get(actor, change.documentId).then(
            (view) => socket.emit('document:draft', view),
            (error: unknown) => deps.log.error({ err: error, documentId: change.documentId }, 'documents: push failed'),
          );
        }
      })
      .catch((error: unknown) => deps.log.error({ err: error, documentId: change.documentId }, 'documents: could not list the sockets to push to'));
  });

  // A private talk started, switched or ended: everyone of the case gets what they may see now.
  deps.audience.onChange((caseId) => {
    namespace
      .in(`case:${caseId}`)
      .fetchSockets()
      .then((sockets) => sockets.forEach((socket) => void pushAll(socket, false)))
      .catch((error: unknown) => deps.log.error({ err: error }, 'documents: push failed'));
  });
}
