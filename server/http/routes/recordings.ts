/** The clerk portal's recordings: list by case, play or download (with HTTP ranges), the manifest. Nothing here deletes or replaces. */
import fastifyStatic from '@fastify/static';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import type { RecordingService } from '../../recording/recordingService.ts';
import { requireStaff } from '../auth.ts';
import { IdParams, Uuid } from '../schemas.ts';

export const recordingRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; recordings: RecordingService; recordingsDir: string }> = async (
  app,
  { auth, recordings, recordingsDir },
) => {
  // sendFile with Range support, rooted at the recordings directory; nothing is served by path.
  await app.register(fastifyStatic, { root: recordingsDir, serve: false });

  app.get('/api/cases/:id/recordings', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { recordings: await recordings.listForCase(actor, request.params.id) };
  });

  app.get(
    '/api/recordings/:id/composed.mp4',
    { schema: { params: IdParams, querystring: Type.Object({ download: Type.Optional(Type.Literal('1')) }) } },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const { file, recording } = await recordings.composedFile(actor, request.params.id);
      if (request.query.download) reply.header('content-disposition', `attachment; filename="recording-${recording.id}.mp4"`);
      return reply.header('x-content-sha256', recording.composed_sha256 ?? '').header('cache-control', 'private, no-store').sendFile(file);
    },
  );

  app.get('/api/recordings/:id/manifest.json', { schema: { params: IdParams } }, async (request, reply) => {
    const actor = await requireStaff(request, auth);
    return reply.header('cache-control', 'private, no-store').sendFile(await recordings.manifestFile(actor, request.params.id));
  });

  app.get('/api/recordings/:id/segments/:segmentId', { schema: { params: Type.Object({ id: Uuid, segmentId: Uuid }) } }, async (request, reply) => {
    const actor = await requireStaff(request, auth);
    const segment = await recordings.segmentFile(actor, request.params.id, request.params.segmentId);
    return reply
      .header('x-content-sha256', segment.sha256)
      .header('content-disposition', `attachment; filename="${segment.file.split('/').pop()}"`)
      .header('cache-control', 'private, no-store')
      .sendFile(segment.file);
  });
};
