/**
 * Live case progress on socket.io namespace /progress: an applicant's phone
 * (serial number + tracking code) or a staff console (login) is told of
 * every status change of the cases it may see.
 */
import { Type } from '@sinclair/typebox';
import { compileSchema } from '../validation.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Server } from 'socket.io';
import { AppError } from '../errors.ts';
import type { AuthService } from '../auth/authService.ts';
import { can } from '../auth/policy.ts';
import type { CaseEventBus } from '../cases/caseEvents.ts';
import { caseScope, type CaseService } from '../cases/caseService.ts';
import type { Db } from '../store/database.ts';
import { subjectOf, type Revocations } from '../auth/revocations.ts';
import { admitSubject } from './revocationSweep.ts';
import { isStoreUnavailable, STORE_UNAVAILABLE } from '../store/storeErrors.ts';

const Handshake = compileSchema(
  Type.Union([
    Type.Object({ serialNumber: Type.String({ maxLength: 40 }), trackingCode: Type.String({ maxLength: 20 }) }),
    Type.Object({ token: Type.String({ maxLength: 4096 }) }),
  ]),
);

export function attachProgressNamespace(io: Server, deps: { auth: AuthService; cases: CaseService; events: CaseEventBus; db: Db; log: FastifyBaseLogger; revocations: Revocations }) {
  const namespace = io.of('/progress');

  namespace.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    if (!Handshake.Check(auth)) {
      next(Object.assign(new Error('Serial number and code, or a staff login, are required'), { data: { code: 'UNAUTHORIZED' } }));
      return;
    }
    const identify = async () => {
      if ('token' in auth) {
        // A staff login follows its inbox; a party's invitation token follows its own case.
        const actor = await deps.auth.actorFromToken(auth.token);
        socket.data.subject = subjectOf(actor);
        if (actor.kind === 'staff') socket.data.staff = actor;
        else if (actor.caseId) socket.data.caseId = (await deps.cases.authorised(actor, actor.caseId, 'case:view')).id;
        else throw new AppError('UNAUTHORIZED', 'This invitation is not for a case', 401);
      } else socket.data.caseId = (await deps.cases.progress(auth.serialNumber, auth.trackingCode)).caseId;
    };
    identify().then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof AppError) && !isStoreUnavailable(error)) deps.log.error({ err: error }, 'progress: handshake failed');
        const code = error instanceof AppError ? error.code : isStoreUnavailable(error) ? STORE_UNAVAILABLE : 'INTERNAL';
        next(Object.assign(new Error(error instanceof AppError ? error.message : 'Could not verify'), { data: { code } }));
      },
    );
  });

  namespace.on('connection', (socket) => {
    const subject = socket.data.subject as string | undefined;
    if (subject && !admitSubject(socket, subject, deps.revocations)) return;
    const caseId = socket.data.caseId as string | undefined;
    if (caseId) {
      void socket.join(`case:${caseId}`);
      deps.cases
        .publicViewById(caseId)
        .then((view) => socket.emit('case:progress', view))
        .catch((error: unknown) => deps.log.warn({ err: error, caseId }, 'progress: first push failed'));
    } else {
      void socket.join('staff');
    }
  });

  deps.events.subscribe((change) => {
    deps.cases
      .publicViewById(change.caseId)
      .then((view) => namespace.to(`case:${change.caseId}`).emit('case:progress', view))
      .catch((error: unknown) => deps.log.error({ err: error, caseId: change.caseId }, 'progress push failed'));
    // Consoles refresh their inbox; each checks that it may still see the case.
    void deps.db
      .selectFrom('cases')
      .select(['id', 'organisation_id', 'assigned_user_id'])
      .where('id', '=', change.caseId)
      .executeTakeFirst()
      .then(async (row) => {
        if (!row) return;
        for (const socket of await namespace.in('staff').fetchSockets()) {
          if (can(socket.data.staff, 'case:view', caseScope(row))) socket.emit('case:changed', change);
        }
      })
      .catch((error: unknown) => deps.log.error({ err: error, caseId: change.caseId }, 'progress: console refresh failed'));
  });
}
