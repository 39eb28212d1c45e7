/** Rooms (ad-hoc or a case's sessions), invitations to them, and what a party does with its invitation. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import { partyRoles } from '../../auth/policy.ts';
import type { CaseService } from '../../cases/caseService.ts';
import type { InvitationService } from '../../rooms/invitations.ts';
import type { RoomService } from '../../rooms/roomService.ts';
import type { Room } from '../../store/schema.ts';
import { contextOf, requireParty, requireStaff } from '../auth.ts';
import { IdParams, RoomMode } from '../schemas.ts';
import { parseEnd } from '../../sessions/sessionEnd.ts';

const RoomDto = Type.Object({
  id: Type.String(),
  title: Type.String(),
  mode: RoomMode,
  createdAt: Type.String(),
  caseId: Type.Union([Type.String(), Type.Null()]),
  scheduledAt: Type.Union([Type.String(), Type.Null()]),
});
const toDto = (room: Room) => ({
  id: room.id,
  title: room.title,
  mode: room.mode,
  createdAt: room.created_at,
  caseId: room.case_id,
  scheduledAt: room.scheduled_at,
});

export const roomRoutes: FastifyPluginAsyncTypebox<{
  auth: AuthService;
  rooms: RoomService;
  invitations: InvitationService;
  cases: CaseService;
}> = async (app, { auth, rooms, invitations, cases }) => {
  app.post(
    '/api/rooms',
    {
      schema: {
        body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 120 }), mode: RoomMode }, { additionalProperties: false }),
        response: { 201: RoomDto },
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const room = await rooms.create(actor, { title: request.body.title.trim(), mode: request.body.mode });
      return reply.status(201).send(toDto(room));
    },
  );

  app.get('/api/rooms', { schema: { response: { 200: Type.Object({ rooms: Type.Array(RoomDto) }) } } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { rooms: (await rooms.list(actor)).map(toDto) };
  });

  app.post(
    '/api/rooms/:id/invitations',
    {
      schema: {
        params: IdParams,
        body: Type.Object(
          {
            displayName: Type.String({ minLength: 1, maxLength: 40 }),
            role: Type.Union(partyRoles.map((role) => Type.Literal(role))),
            ttlMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 30 * 24 * 60 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.String(), token: Type.String(), url: Type.String(), shortCode: Type.String(), expiresAt: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const issued = await invitations.issue(
        actor,
        {
          roomId: request.params.id,
          displayName: request.body.displayName.trim(),
          role: request.body.role,
          ttlSeconds: request.body.ttlMinutes === undefined ? undefined : request.body.ttlMinutes * 60,
        },
        contextOf(request),
      );
      return reply.status(201).send({ id: issued.invitationId, token: issued.token, url: issued.url, shortCode: issued.shortCode, expiresAt: issued.expiresAt });
    },
  );

  app.get('/api/rooms/:id/invitations', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    return { invitations: await invitations.listForRoom(actor, request.params.id) };
  });

  app.post('/api/invitations/:id/revoke', { schema: { params: IdParams } }, async (request) => {
    const actor = await requireStaff(request, auth);
    await invitations.revoke(actor, request.params.id, contextOf(request));
    return { ok: true };
  });

  // The phone exchanges its link (or the typed short code) once for its own token.
  app.post(
    '/api/invitations/redeem',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        body: Type.Union([
          Type.Object({ token: Type.String({ minLength: 10, maxLength: 4096 }) }, { additionalProperties: false }),
          Type.Object({ shortCode: Type.String({ pattern: '^\\d{8}$' }) }, { additionalProperties: false }),
        ]),
        response: { 200: Type.Object({ partyToken: Type.String(), expiresAt: Type.String() }) },
      },
    },
    async (request) => invitations.redeem(request.body, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' }),
  );

  // The phone page shows who the invitation is for before asking for the camera.
  app.get(
    '/api/invitation',
    {
      schema: {
        response: {
          200: Type.Object({
            roomId: Type.String(),
            roomTitle: Type.String(),
            roomMode: RoomMode,
            displayName: Type.String(),
            role: Type.String(),
            expiresAt: Type.String(),
            caseId: Type.Union([Type.String(), Type.Null()]),
            scheduledAt: Type.Union([Type.String(), Type.Null()]),
            sessionStarted: Type.Boolean(),
            /** The host ended the session: the phone shows the end screen (the invitation still opens documents). */
            ended: Type.Union([Type.Null(), Type.Object({ at: Type.String(), by: Type.String(), mode: RoomMode, reason: Type.String(), outcome: Type.Optional(Type.String()), note: Type.Optional(Type.String()) })]),
          }),
        },
      },
    },
    async (request) => {
      const party = await requireParty(request, auth);
      const { room, invitation } = await invitations.describe(party);
      return {
        roomId: room.id,
        roomTitle: room.title,
        roomMode: room.mode,
        displayName: invitation.display_name,
        role: invitation.role,
        expiresAt: invitation.expires_at,
        caseId: room.case_id,
        scheduledAt: room.scheduled_at,
        sessionStarted: room.started_at !== null,
        ended: parseEnd(room),
      };
    },
  );

  app.post(
    '/api/ratings',
    {
      schema: {
        body: Type.Object(
          { score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.String({ maxLength: 500 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const party = await requireParty(request, auth);
      await cases.rate(party, request.body, contextOf(request));
      return reply.status(201).send({ ok: true });
    },
  );
};
