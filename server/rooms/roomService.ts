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

/** The facts the policy needs to tell whether a room is the actor's own: its case's, or (without a case) its own organisation and creator. */
export function scopeOfRoom(
  room: Pick<Room, 'case_id' | 'created_by' | 'organisation_id'>,
  caseRow: { organisation_id: string; assigned_user_id: string | null } | undefined,
): CaseScope {
  if (!room.case_id) return { caseId: null, organisationId: room.organisation_id, assignedUserId: null, createdBy: room.created_by };
  if (!caseRow) throw new Error(`room of case ${room.case_id} without its case`);
  return { caseId: room.case_id, organisationId: caseRow.organisation_id, assignedUserId: caseRow.assigned_user_id, createdBy: room.created_by };
}

export async function roomScope(db: Db, room: Room): Promise<CaseScope> {
  if (!room.case_id) return scopeOfRoom(room, undefined);
  const row = await db
    .selectFrom('cases')
    .select(['organisation_id', 'assigned_user_id'])
    .where('id', '=', room.case_id)
    .executeTakeFirstOrThrow();
  return scopeOfRoom(room, row);
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
      // An ad-hoc room belongs to its creator's organisation.
      organisation_id: actor.organisationId,
      ended_at: null,
      end_detail: null,
    };
    await insertRoom(this.db, room);
    return room;
  }

  /** The rooms this staff member may enter, newest first. */
  async list(actor: StaffActor): Promise<Room[]> {
    let query = this.db
      .selectFrom('rooms')
      .leftJoin('cases', 'cases.id', 'rooms.case_id')
      .selectAll('rooms')
      .select(['cases.organisation_id as case_organisation_id', 'cases.assigned_user_id as case_assigned_user_id']);
    // Narrowed in the query (so other organisations' rooms never crowd out one's own), then decided by the policy.
    if (actor.role === 'mediator' || actor.role === 'arbitrator') {
      query = query.where((eb) => eb.or([eb('rooms.created_by', '=', actor.userId), eb('cases.assigned_user_id', '=', actor.userId)]));
    } else if (actor.organisationId !== null) {
      query = query.where('rooms.organisation_id', '=', actor.organisationId);
    }
    const rows = await query.orderBy('rooms.created_at', 'desc').limit(200).execute();
    return rows
      .filter((row) => {
        const caseRow = row.case_id ? { organisation_id: row.case_organisation_id!, assigned_user_id: row.case_assigned_user_id } : undefined;
        return can(actor, 'room:enter', scopeOfRoom(row, caseRow));
      })
      .map(({ case_organisation_id: _o, case_assigned_user_id: _a, ...room }) => room);
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
