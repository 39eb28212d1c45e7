/** Rooms as records: who may create and list them. Live media lives in LiveRooms. */
import { randomUUID } from 'node:crypto';
import { forbidden, notFound } from '../errors.ts';
import type { Db } from '../store/database.ts';
import type { Room } from '../store/schema.ts';
import { findRoom, insertRoom, listRooms } from '../store/repositories/rooms.ts';
import { can, type Actor } from '../auth/policy.ts';

export type RoomMode = Room['mode'];

export class RoomService {
  constructor(private readonly db: Db) {}

  async create(actor: Actor, input: { title: string; mode: RoomMode }): Promise<Room> {
    if (actor.kind !== 'staff' || !can(actor, 'room:create')) throw forbidden('You may not create rooms');
    const room: Room = {
      id: randomUUID(),
      title: input.title,
      mode: input.mode,
      created_by: actor.userId,
      created_at: new Date().toISOString(),
    };
    await insertRoom(this.db, room);
    return room;
  }

  async list(actor: Actor): Promise<Room[]> {
    if (!can(actor, 'room:list')) throw forbidden('You may not list rooms');
    return listRooms(this.db);
  }

  async get(roomId: string): Promise<Room> {
    const room = await findRoom(this.db, roomId);
    if (!room) throw notFound('Room');
    return room;
  }
}
