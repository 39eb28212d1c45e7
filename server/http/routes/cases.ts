/** Staff routes for the case workflow, the audit log, follow-ups and statistics. */
import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import type { CaseService } from '../../cases/caseService.ts';
import type { EvidenceStorage } from '../../cases/evidenceFiles.ts';
import { caseStatistics } from '../../cases/statistics.ts';
import type { Db } from '../../store/database.ts';
import { contextOf, requireStaff } from '../auth.ts';
import { CaseStatus, IdParams, RoomMode, Uuid } from '../schemas.ts';

export const caseRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; cases: CaseService; storage: EvidenceStorage; db: Db }> = async (
  app,
  { auth, cases, storage, db },
) => {
  app.get('/api/cases', { schema: { querystring: Type.Object({ status: Type.Optional(CaseStatus) }) } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { cases: await cases.list(actor, { status: request.query.status as never }) };
  });

  app.get('/api/cases/:id', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return cases.detail(actor, request.params.id);
  });

  app.get('/api/cases/:id/audit', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { entries: await cases.audit(actor, request.params.id) };
  });

  app.get('/api/cases/:id/evidence/:evidenceId', { schema: { params: Type.Object({ id: Uuid, evidenceId: Uuid }) } }, async (request, reply) => {
    const actor = await requireStaff(request, auth);
    const row = await cases.evidenceFile(actor, request.params.id, request.params.evidenceId);
    return reply
      .header('content-type', row.mime_type)
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(row.file_name)}`)
      .header('x-content-sha256', row.sha256)
      .send(createReadStream(storage.pathOf(row.case_id, row.id)));
  });

  app.post('/api/cases/:id/accept', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return cases.accept(actor, request.params.id, contextOf(request));
  });

  app.post(
    '/api/cases/:id/reject',
    { schema: { params: IdParams, body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }) } },
    async (request) => {
      const actor = await requireStaff(request, auth);
      await cases.reject(actor, request.params.id, request.body.reason, contextOf(request));
      return { ok: true };
    },
  );

  app.post(
    '/api/cases/:id/assign',
    { schema: { params: IdParams, body: Type.Object({ userId: Uuid }, { additionalProperties: false }) } },
    async (request) => {
      const actor = await requireStaff(request, auth);
      await cases.assign(actor, request.params.id, request.body.userId, contextOf(request));
      return { ok: true };
    },
  );

  app.post(
    '/api/cases/:id/sessions',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          { mode: RoomMode, scheduledAt: Type.String({ format: 'date-time' }), title: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const room = await cases.schedule(actor, request.params.id, request.body, contextOf(request));
      return reply.status(201).send({ id: room.id, title: room.title, mode: room.mode, scheduledAt: room.scheduled_at });
    },
  );

  app.post(
    '/api/cases/:id/conclude',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            status: Type.Union([Type.Literal('agreement_signed'), Type.Literal('ruled'), Type.Literal('closed')]),
            outcome: Type.Optional(Type.Union([Type.Literal('agreement'), Type.Literal('award'), Type.Literal('withdrawn')])),
            recoveredAmount: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10 })),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const actor = await requireStaff(request, auth);
      await cases.conclude(actor, request.params.id, request.body, contextOf(request));
      return { ok: true };
    },
  );

  // The commission's approval of the one extension of the award period (调解仲裁法 art. 43), logged.
  app.post(
    '/api/cases/:id/award-extension',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            days: Type.Integer({ minimum: 1, maximum: 15 }),
            reason: Type.String({ minLength: 2, maxLength: 500 }),
            approvedBy: Type.String({ minLength: 1, maxLength: 40 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const actor = await requireStaff(request, auth);
      return cases.clocks.extendAward(actor, request.params.id, request.body, contextOf(request));
    },
  );

  // A step a statutory clock waits for: the respondent served, its answer received.
  app.post(
    '/api/cases/:id/steps',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          { step: Type.Union([Type.Literal('served'), Type.Literal('answered')]), at: Type.Optional(Type.String({ format: 'date-time' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const actor = await requireStaff(request, auth);
      return cases.clocks.recordStep(actor, request.params.id, request.body, contextOf(request));
    },
  );

  app.post(
    '/api/cases/:id/follow-ups',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            channel: Type.Union([Type.Literal('phone'), Type.Literal('visit'), Type.Literal('video'), Type.Literal('sms')]),
            performed: Type.Boolean(),
            note: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      await cases.addFollowUp(actor, request.params.id, request.body, contextOf(request));
      return reply.status(201).send({ ok: true });
    },
  );

  app.get('/api/stats', async (request) => {
    const actor = await requireStaff(request, auth);
    return caseStatistics(db, cases, actor);
  });
};
