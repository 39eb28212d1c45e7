/**
 * Mediators' and arbitrators' profiles: public (the /apply page's choice of
 * a preferred mediator: name, photo, speciality, languages, nothing else),
 * the staff screen's list with ratings, the profile edit, and the clerk's
 * assignment options for a case (preference and ratings).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import { MAX_PHOTO_BYTES } from '../../organisations/staffPhoto.ts';
import type { StaffProfiles } from '../../organisations/staffProfiles.ts';
import { contextOf, requireStaff } from '../auth.ts';
import { IdParams } from '../schemas.ts';

const PublicProfile = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  speciality: Type.String(),
  languages: Type.String(),
  photoUrl: Type.Union([Type.String(), Type.Null()]),
});

export const profileRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; profiles: StaffProfiles }> = async (app, { auth, profiles }) => {
  // The response schema is the whitelist: nothing but these fields leaves.
  app.get(
    '/api/public/organisations/:id/mediators',
    { schema: { params: IdParams, response: { 200: Type.Object({ mediators: Type.Array(PublicProfile) }) } } },
    async (request) => ({ mediators: await profiles.publicList(request.params.id) }),
  );

  app.get('/api/public/staff/:id/photo', { schema: { params: IdParams } }, async (request, reply) => {
    const photo = await profiles.photo(request.params.id);
    return reply.header('content-type', photo.type).header('cache-control', 'public, max-age=300').header('x-content-type-options', 'nosniff').send(photo.bytes);
  });

  app.get('/api/staff/profiles', async (request) => {
    const actor = await requireStaff(request, auth);
    return { profiles: await profiles.staffList(actor) };
  });

  app.put(
    '/api/staff/:id/profile',
    {
      bodyLimit: Math.ceil(MAX_PHOTO_BYTES * 2 * 1.4) + 4096,
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            speciality: Type.Optional(Type.String({ maxLength: 200 })),
            languages: Type.Optional(Type.String({ maxLength: 100 })),
            photo: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: Math.ceil(MAX_PHOTO_BYTES * 2 * 1.4), pattern: '^[A-Za-z0-9+/=]+$' }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const actor = await requireStaff(request, auth);
      return profiles.update(actor, request.params.id, request.body, contextOf(request));
    },
  );

  app.get('/api/cases/:id/assignment-options', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return profiles.assignmentOptions(actor, request.params.id);
  });
};
