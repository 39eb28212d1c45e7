/**
 * An organisation's seal image and signing certificate, managed by its
 * admins. Uploads are JSON with base64 bytes; the certificate and its
 * password go in and never come out (the status names subject and
 * fingerprint only).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import { AppError } from '../../errors.ts';
import { MAX_P12_BYTES, type OrganisationSeals } from '../../organisations/organisationSeals.ts';
import { MAX_SEAL_BYTES } from '../../organisations/sealImage.ts';
import { contextOf, requireStaff } from '../auth.ts';
import { IdParams } from '../schemas.ts';

function base64(value: string, code: string): Buffer {
  const body = value.replace(/^data:[a-z/+-]+;base64,/, '');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) throw new AppError(code, 'The file must be sent as base64', 400);
  return Buffer.from(body, 'base64');
}

// A little over the largest file in base64 (4/3) plus the JSON around it.
const limit = (bytes: number) => Math.ceil(bytes * 1.4) + 4096;

export const sealRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; seals: OrganisationSeals }> = async (app, { auth, seals }) => {
  app.get('/api/organisations/:id/seal', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return seals.status(actor, request.params.id);
  });

  app.get('/api/organisations/:id/seal/image', { schema: { params: IdParams } }, async (request, reply) => {
    const actor = await requireStaff(request, auth);
    const png = await seals.sealImage(actor, request.params.id);
    return reply.header('content-type', 'image/png').header('cache-control', 'private, no-store').send(png);
  });

  app.put(
    '/api/organisations/:id/seal',
    {
      bodyLimit: limit(MAX_SEAL_BYTES * 2),
      schema: { params: IdParams, body: Type.Object({ image: Type.String({ minLength: 1, maxLength: limit(MAX_SEAL_BYTES * 2) }) }, { additionalProperties: false }) },
    },
    async (request) => {
      const actor = await requireStaff(request, auth);
      return seals.uploadSeal(actor, request.params.id, base64(request.body.image, 'INVALID_SEAL_IMAGE'), contextOf(request));
    },
  );

  app.put(
    '/api/organisations/:id/certificate',
    {
      bodyLimit: limit(MAX_P12_BYTES * 2),
      schema: {
        params: IdParams,
        body: Type.Object({ p12: Type.String({ minLength: 1, maxLength: limit(MAX_P12_BYTES * 2) }), password: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const actor = await requireStaff(request, auth);
      return seals.uploadCertificate(actor, request.params.id, base64(request.body.p12, 'INVALID_CERTIFICATE'), request.body.password, contextOf(request));
    },
  );
};
