import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import { organisationDto, type OrganisationService } from '../../organisations/organisationService.ts';
import { contextOf, requireStaff } from '../auth.ts';
import { IdParams } from '../schemas.ts';

import { regionSource, regionTree } from '../../organisations/regions.ts';

const Organisation = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  regionCode: Type.String(),
  province: Type.String(),
  city: Type.String(),
  county: Type.String(),
  street: Type.String(),
});
const Region = Type.String({ maxLength: 40 });

export const organisationRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; organisations: OrganisationService }> = async (
  app,
  { auth, organisations },
) => {
  // Public: the application form's region choice.
  app.get('/api/public/organisations', { schema: { response: { 200: Type.Object({ organisations: Type.Array(Organisation) }) } } }, async () => ({
    organisations: (await organisations.list()).map(organisationDto),
  }));

  // Public: every province, city and district (GB/T 2260), for the pickers. The same data the server checks codes against.
  const regions = JSON.stringify({ source: regionSource, regions: regionTree });
  app.get('/api/public/regions', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=86400').send(regions),
  );

  app.post(
    '/api/organisations',
    {
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 2, maxLength: 80 }),
            kind: Type.Union([Type.Literal('arbitration_commission'), Type.Literal('mediation_organisation')]),
            regionCode: Type.String({ pattern: '^\\d{6}(\\d{3})?$' }),
            /** Optional and ignored: the names come from the code (GB/T 2260 data). */
            province: Type.Optional(Type.String({ maxLength: 40 })),
            city: Type.Optional(Region),
            county: Type.Optional(Region),
            street: Type.Optional(Region),
          },
          { additionalProperties: false },
        ),
        response: { 201: Organisation },
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      return reply.status(201).send(organisationDto(await organisations.create(actor, request.body)));
    },
  );

  const Staff = Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: Type.String(),
    organisationId: Type.Union([Type.String(), Type.Null()]),
    disabled: Type.Optional(Type.Boolean()),
  });

  app.get('/api/staff', { schema: { response: { 200: Type.Object({ staff: Type.Array(Staff) }) } } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { staff: await organisations.listStaff(actor) };
  });

  app.post(
    '/api/staff',
    {
      schema: {
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[a-zA-Z0-9_.-]{3,32}$' }),
            password: Type.String({ minLength: 10, maxLength: 128 }),
            displayName: Type.String({ minLength: 1, maxLength: 40 }),
            role: Type.Union([Type.Literal('admin'), Type.Literal('mediator'), Type.Literal('arbitrator'), Type.Literal('clerk')]),
            organisationId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
            /** For clerks: may open confidential recordings (private talks). */
            confidentialAccess: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Staff },
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      return reply.status(201).send(await organisations.createStaff(actor, request.body));
    },
  );

  // Disabling refuses the account's logins from the next request on and cuts its live connections now.
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/api/staff/:id/${verb}`, { schema: { params: IdParams } }, async (request) => {
      const actor = await requireStaff(request, auth);
      await organisations.setDisabled(actor, request.params.id, disabled, contextOf(request));
      return { ok: true };
    });
  }
};
