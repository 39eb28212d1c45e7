/**
 * Rooms as records: a case's scheduled sessions (or an ad-hoc room), who may
 * make, see and enter them. Live media lives in LiveRooms.
 */
import { randomUUID } from 'node:crypto';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { Db } from '../store/database.ts';
import type { Room } from '../store/schema.ts';
import { findRoom, insertRoom } from '../store/repositories/rooms.ts';
import { can, type CaseScope, type StaffActor } from '../auth/policy.ts';
import type { AuthService } from '../auth/authService.ts';
import type { SocketIdentity } from '../signalling/protocol.ts';

export type RoomMode = Room['mode'];

/** The facts the policy needs to tell whether a room is the actor's own. */
export async function roomScope(db: Db, room: Room): Promise<CaseScope> {
  if (!room.case_id) return { caseId: null, organisationId: null, assignedUserId: null, createdBy: room.created_by };
  const row = await db
    .selectFrom('cases')
    .select(['organisation_id', 'assigned_user_id'])
    .where('id', '=', room.case_id)
    .executeTakeFirstOrThrow();
  return { caseId: room.case_id, organisationId: row.organisation_id, assignedUserId: row.assigned_user_id, createdBy: room.created_by };
}

export class RoomService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
  ) {}

  /** An ad-hoc room, not tied to a case (a quick consultation). Case sessions are scheduled through the case. */
  async create(actor: StaffActor, input: { title: string; mode: RoomMode }): Promise<Room> {
    if (!can(actor, 'room:create')) throw forbidden('You may not create rooms');
    const room: Room = {
      id: randomUUID(),
      title: input.title,
      mode: input.mode,
      created_by: actor.userId,
      created_at: new Date().toISOString(),
      case_id: null,
      scheduled_at: null,
      started_at: null,
      host_user_id: actor.userId,
    };
    await insertRoom(this.db, room);
    return room;
  }

  /** The rooms this staff member may enter, newest first. */
  async list(actor: StaffActor): Promise<Room[]> {
    const rows = await this.db.selectFrom('rooms').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    const visible: Room[] = [];
    for (const room of rows) if (can(actor, 'room:enter', await roomScope(this.db, room))) visible.push(room);
    return visible;
  }

  async get(roomId: string): Promise<Room> {
    const room = await findRoom(this.db, roomId);
    if (!room) throw notFound('Room');
    return room;
  }

  /** Who a socket is, from its handshake: a party token (bound to its room) or a staff login plus the room to enter. */
  async identifySocket(token: string, requestedRoomId: string | undefined): Promise<SocketIdentity> {
    const actor = await this.auth.actorFromToken(token);
    if (actor.kind === 'party') {
      if (requestedRoomId && requestedRoomId !== actor.roomId) throw forbidden('This invitation is for another room');
      return { roomId: actor.roomId, displayName: actor.name, role: actor.role, subject: `invite:${actor.invitationId}` };
    }
    if (!requestedRoomId) throw new AppError('INVALID_PAYLOAD', 'Staff must name the room to enter');
    const room = await this.get(requestedRoomId);
    if (!can(actor, 'room:enter', await roomScope(this.db, room))) throw forbidden('You may not enter this room');
    return { roomId: room.id, displayName: actor.name, role: actor.role, subject: `staff:${actor.userId}` };
  }
}
