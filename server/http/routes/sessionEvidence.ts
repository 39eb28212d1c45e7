import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import type { EvidenceStorage } from '../../cases/evidenceFiles.ts';
import type { SessionEvidence } from '../../sessions/sessionEvidence.ts';
import { bearerToken, contextOf } from '../auth.ts';
import { readUpload } from '../multipartForm.ts';
import { IdParams, Uuid } from '../schemas.ts';

export const sessionEvidenceRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; evidence: SessionEvidence; storage: EvidenceStorage }> = async (
  app,
  { auth, evidence, storage },
) => {
  app.post('/api/rooms/:id/evidence', { schema: { params: IdParams } }, async (request, reply) => {
    const actor = await auth.actorFromToken(bearerToken(request));
    // Refused before a byte of the body is read; share() asks again once it has arrived.
    await evidence.mayShare(actor, request.params.id);
    const upload = await readUpload(request, storage, { requireFiles: true });
    try {
      return reply.status(201).send({ evidence: await evidence.share(actor, request.params.id, upload.files, contextOf(request)) });
    } finally {
      await upload.discard();
    }
  });

  app.get('/api/rooms/:id/evidence/:evidenceId', { schema: { params: Type.Object({ id: Uuid, evidenceId: Uuid }) } }, async (request, reply) => {
    const actor = await auth.actorFromToken(bearerToken(request));
    const row = await evidence.open(actor, request.params.id, request.params.evidenceId);
    return reply
      .header('content-type', row.mime_type)
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(row.file_name)}`)
      .header('x-content-sha256', row.sha256)
      .send(createReadStream(storage.pathOf(row.case_id, row.id)));
  });
};
