/** Public routes: a worker applies and follows progress; an employer counterclaims. No account needed. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApplicationService } from '../../cases/applications.ts';
import type { CaseService } from '../../cases/caseService.ts';
import type { EvidenceStorage } from '../../cases/evidenceFiles.ts';
import { formField, readUpload } from '../multipartForm.ts';
import { ApplicationBody, CounterclaimBody } from '../schemas.ts';

const Timeline = Type.Array(Type.Object({ status: Type.String(), note: Type.Union([Type.String(), Type.Null()]), at: Type.String() }));
export const ProgressDto = Type.Object({
  serialNumber: Type.String(),
  mediationDueOn: Type.Union([Type.String(), Type.Null()]),
  mayApplyForArbitration: Type.Boolean(),
  status: Type.String(),
  disputeType: Type.String(),
  organisation: Type.String(),
  submittedAt: Type.String(),
  rejectionReason: Type.Union([Type.String(), Type.Null()]),
  timeline: Timeline,
  sessions: Type.Array(
    Type.Object({ mode: Type.String(), scheduledAt: Type.Union([Type.String(), Type.Null()]), startedAt: Type.Union([Type.String(), Type.Null()]) }),
  ),
  /** Documents out for signature and the parties' places still unsigned (server/documents/awaitingSignatures.ts). */
  awaitingSignatures: Type.Optional(Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), pendingSlots: Type.Array(Type.String()) }))),
});

const Warning = Type.Object({ code: Type.String(), expiredOn: Type.Optional(Type.String()), expiresOn: Type.Optional(Type.String()), from: Type.String() });
// A collective application also answers with every other worker's own tracking code.
const Submitted = Type.Object({
  serialNumber: Type.String(),
  trackingCode: Type.String(),
  limitation: Type.Union([Warning, Type.Null()]),
  workers: Type.Optional(Type.Array(Type.Object({ name: Type.String(), trackingCode: Type.String() }))),
});

const applicationForm = formField('application', ApplicationBody);
const counterclaimForm = formField('counterclaim', CounterclaimBody);

export const applicationRoutes: FastifyPluginAsyncTypebox<{ applications: ApplicationService; cases: CaseService; storage: EvidenceStorage }> = async (
  app,
  { applications, cases, storage },
) => {
  app.post(
    '/api/applications',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        response: {
          201: Submitted,
          200: Submitted,
        },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request, storage, { form: applicationForm });
      try {
        const { serialNumber, trackingCode, replayed, limitation, workers } = await applications.submit(upload.value, upload.files, { ip: request.ip });
        return reply.status(replayed ? 200 : 201).send({ serialNumber, trackingCode, limitation, ...(workers ? { workers } : {}) });
      } finally {
        await upload.discard();
      }
    },
  );

  app.post(
    '/api/applications/progress',
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        body: Type.Object(
          { serialNumber: Type.String({ minLength: 1, maxLength: 40 }), trackingCode: Type.String({ minLength: 1, maxLength: 20 }) },
          { additionalProperties: false },
        ),
        response: { 200: ProgressDto },
      },
    },
    async (request) => cases.progress(request.body.serialNumber, request.body.trackingCode),
  );

  app.post(
    '/api/counterclaims',
    { config: { rateLimit: { max: 20, timeWindow: 60_000 } }, schema: { response: { 201: Type.Object({ ok: Type.Literal(true) }) } } },
    async (request, reply) => {
      const upload = await readUpload(request, storage, { form: counterclaimForm });
      try {
        await applications.fileCounterclaim(upload.value, upload.files, { ip: request.ip });
        return reply.status(201).send({ ok: true as const });
      } finally {
        await upload.discard();
      }
    },
  );
};
