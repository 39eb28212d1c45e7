import type { Db } from '../database.ts';
import type { Insertable } from 'kysely';
import type { Invitation, InvitationsTable, Room, RoomsTable } from '../schema.ts';

export function findRoom(db: Db, id: string): Promise<Room | undefined> {
  return db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRooms(db: Db, limit = 100): Promise<Room[]> {
  return db.selectFrom('rooms').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}

export async function insertRoom(db: Db, room: Insertable<RoomsTable>): Promise<void> {
  await db.insertInto('rooms').values(room).execute();
}

export async function insertInvitation(db: Db, invitation: Insertable<InvitationsTable>): Promise<void> {
  await db.insertInto('invitations').values(invitation).execute();
}

export function findInvitation(db: Db, id: string): Promise<Invitation | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}
