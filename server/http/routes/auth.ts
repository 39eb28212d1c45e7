import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import { requireStaff } from '../auth.ts';

const StaffUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  organisationId: Type.Union([Type.String(), Type.Null()]),
});

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.post(
    '/api/auth/login',
    {
      // Slows password guessing: 10 attempts per minute per address.
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: StaffUser }) },
      },
    },
    async (request) => auth.login(request.body.username, request.body.password),
  );

  app.get(
    '/api/me',
    { schema: { response: { 200: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), organisationId: Type.Union([Type.String(), Type.Null()]) }) } } },
    async (request) => {
      const actor = await requireStaff(request, auth);
      return { id: actor.userId, name: actor.name, role: actor.role, organisationId: actor.organisationId };
    },
  );
};
