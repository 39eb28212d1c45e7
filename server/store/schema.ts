/** Row types of every table, as Kysely sees them. Times are ISO-8601 UTC text on both databases. */
import type { Generated, Selectable, Insertable } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: 'admin' | 'mediator' | 'arbitrator' | 'clerk';
  display_name: string;
  disabled: Generated<number>;
  created_at: string;
}

export interface RoomsTable {
  id: string;
  title: string;
  mode: 'face_to_face' | 'back_to_back' | 'hearing';
  created_by: string;
  created_at: string;
}

export interface InvitationsTable {
  id: string;
  room_id: string;
  display_name: string;
  role: string;
  expires_at: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Database {
  users: UsersTable;
  rooms: RoomsTable;
  invitations: InvitationsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Room = Selectable<RoomsTable>;
export type Invitation = Selectable<InvitationsTable>;
