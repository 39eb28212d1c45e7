/**
 * Collective disputes (集体争议). Public (no account): a worker's own view on
 * /track, the first applicant's share link, the join page and joining, and a
 * worker's consent. Staff: the collective panel, representatives, consent
 * recorded for a worker, invitations for the representatives, merge proposals,
 * merging and unmerging.
 */
import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import type { CaseMergeService } from '../../cases/collective/caseMerge.ts';
import type { CollectiveService } from '../../cases/collective/collectiveService.ts';
import { contextOf, requireStaff } from '../auth.ts';
import { IdParams, Uuid, WorkerBody } from '../schemas.ts';

const Tracking = { serialNumber: Type.String({ minLength: 1, maxLength: 40 }), trackingCode: Type.String({ minLength: 1, maxLength: 20 }) };
const ShareCode = Type.String({ minLength: 6, maxLength: 20 });
const publicLimit = { rateLimit: { max: 30, timeWindow: 60_000 } };

export const collectiveRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; collective: CollectiveService; merges: CaseMergeService }> = async (
  app,
  { auth, collective, merges },
) => {
  // ---- public ----
  app.post('/api/collective/me', { config: publicLimit, schema: { body: Type.Object(Tracking, { additionalProperties: false }) } }, async (request) =>
    collective.me(request.body.serialNumber, request.body.trackingCode),
  );

  app.post('/api/collective/share', { config: publicLimit, schema: { body: Type.Object(Tracking, { additionalProperties: false }) } }, async (request) =>
    collective.share(request.body.serialNumber, request.body.trackingCode, { ip: request.ip }),
  );

  app.post('/api/collective/join-info', { config: publicLimit, schema: { body: Type.Object({ shareCode: ShareCode }, { additionalProperties: false }) } }, async (request) =>
    collective.joinInfo(request.body.shareCode),
  );

  app.post(
    '/api/collective/join',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: { body: Type.Object({ shareCode: ShareCode, idempotencyKey: Uuid, worker: WorkerBody }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const joined = await collective.join(request.body, { ip: request.ip });
      return reply.status(joined.replayed ? 200 : 201).send({ serialNumber: joined.serialNumber, trackingCode: joined.trackingCode });
    },
  );

  app.post('/api/collective/agreement.pdf', { config: publicLimit, schema: { body: Type.Object(Tracking, { additionalProperties: false }) } }, async (request, reply) => {
    const { file, sha256 } = await collective.agreementFile(request.body.serialNumber, request.body.trackingCode);
    return reply.header('content-type', 'application/pdf').header('x-content-sha256', sha256).header('cache-control', 'no-store').send(createReadStream(file));
  });

  app.post(
    '/api/collective/consent',
    {
      config: publicLimit,
      schema: {
        body: Type.Object(
          { ...Tracking, documentId: Uuid, version: Type.Integer({ minimum: 1 }), sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { serialNumber, trackingCode, ...version } = request.body;
      await collective.consent(serialNumber, trackingCode, version, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
      return reply.status(201).send({ ok: true });
    },
  );

  // ---- staff ----
  app.get('/api/cases/:id/collective', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return collective.view(actor, request.params.id);
  });

  app.put(
    '/api/cases/:id/collective/representatives',
    { schema: { params: IdParams, body: Type.Object({ workerIds: Type.Array(Uuid, { maxItems: 5, uniqueItems: true }) }, { additionalProperties: false }) } },
    async (request) => {
      const actor = await requireStaff(request, auth);
      await collective.setRepresentatives(actor, request.params.id, request.body.workerIds, contextOf(request));
      return collective.view(actor, request.params.id);
    },
  );

  app.post(
    '/api/cases/:id/collective/workers/:workerId/consent',
    {
      schema: {
        params: Type.Object({ id: Uuid, workerId: Uuid }),
        body: Type.Object(
          {
            documentId: Uuid,
            version: Type.Integer({ minimum: 1 }),
            channel: Type.Union([Type.Literal('written'), Type.Literal('phone'), Type.Literal('in_person'), Type.Literal('video')]),
            note: Type.String({ minLength: 2, maxLength: 300 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const recorded = await collective.recordConsent(actor, request.params.id, request.params.workerId, request.body, {
        ...contextOf(request),
        userAgent: request.headers['user-agent'] ?? '',
      });
      return reply.status(201).send(recorded);
    },
  );

  app.post(
    '/api/cases/:id/collective/invitations',
    {
      schema: {
        params: IdParams,
        // `slot`: only that representative (a signing link from the agreements panel); all of them otherwise.
        body: Type.Object({ roomId: Uuid, slot: Type.Optional(Type.String({ pattern: '^representative_[1-5]$' })) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const { roomId, slot } = request.body;
      return reply.status(201).send({ invitations: await collective.inviteRepresentatives(actor, request.params.id, roomId, contextOf(request), slot) });
    },
  );

  app.get('/api/cases/:id/merge', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return merges.candidates(actor, request.params.id);
  });

  app.post(
    '/api/cases/:id/merge',
    { schema: { params: IdParams, body: Type.Object({ caseIds: Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true }) }, { additionalProperties: false }) } },
    async (request) => {
      const actor = await requireStaff(request, auth);
      await merges.merge(actor, request.params.id, request.body.caseIds, contextOf(request));
      return merges.candidates(actor, request.params.id);
    },
  );

  app.post(
    '/api/cases/:id/unmerge',
    { schema: { params: IdParams, body: Type.Object({ caseId: Uuid }, { additionalProperties: false }) } },
    async (request) => {
      const actor = await requireStaff(request, auth);
      await merges.unmerge(actor, request.params.id, request.body.caseId, contextOf(request));
      return merges.candidates(actor, request.params.id);
    },
  );
};
