import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../auth/authService.ts';
import { partyRoles } from '../../auth/policy.ts';
import type { RoomService } from '../../rooms/roomService.ts';
import type { Room } from '../../store/schema.ts';
import { bearerToken, requireStaff } from '../auth.ts';

const RoomMode = Type.Union([Type.Literal('face_to_face'), Type.Literal('back_to_back'), Type.Literal('hearing')]);
const RoomDto = Type.Object({ id: Type.String(), title: Type.String(), mode: RoomMode, createdAt: Type.String() });
const toDto = (room: Room) => ({ id: room.id, title: room.title, mode: room.mode, createdAt: room.created_at });
const RoomParams = Type.Object({ roomId: Type.String({ format: 'uuid' }) });

export const roomRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; rooms: RoomService }> = async (
  app,
  { auth, rooms },
) => {
  app.post(
    '/api/rooms',
    {
      schema: {
        body: Type.Object(
          { title: Type.String({ minLength: 1, maxLength: 120 }), mode: RoomMode },
          { additionalProperties: false },
        ),
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
    '/api/rooms/:roomId/invitations',
    {
      schema: {
        params: RoomParams,
        body: Type.Object(
          {
            displayName: Type.String({ minLength: 1, maxLength: 40 }),
            role: Type.Union(partyRoles.map((role) => Type.Literal(role))),
            ttlMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 30 * 24 * 60 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), url: Type.String(), expiresAt: Type.String() }) },
      },
    },
    async (request, reply) => {
      const actor = await requireStaff(request, auth);
      const { token, url, expiresAt } = await auth.issueInvitation(actor, {
        roomId: request.params.roomId,
        displayName: request.body.displayName.trim(),
        role: request.body.role,
        ttlSeconds: request.body.ttlMinutes === undefined ? undefined : request.body.ttlMinutes * 60,
      });
      return reply.status(201).send({ token, url, expiresAt });
    },
  );

  // The phone page shows who the link is for before asking for the camera.
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
          }),
        },
      },
    },
    async (request) => {
      const invite = await auth.verifyInvitation(bearerToken(request));
      const room = await rooms.get(invite.roomId);
      return {
        roomId: room.id,
        roomTitle: room.title,
        roomMode: room.mode,
        displayName: invite.displayName,
        role: invite.role,
        expiresAt: invite.expiresAt,
      };
    },
  );
};
