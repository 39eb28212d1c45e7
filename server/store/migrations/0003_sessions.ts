/**
 * Live sessions: the event log of each room (admissions, identity checks,
 * private talks, hearing phases, floor control) that recordings and the
 * hearing record take their times from; chat saved with the case; the
 * host's private notes; who may see evidence shared during a session.
 */
import type { Kysely } from 'kysely';
import { appendOnly } from './appendOnly.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('session_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
    .addColumn('case_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_events_room_idx').on('session_events').columns(['room_id', 'at']).execute();

  await db.schema
    .createTable('chat_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
    .addColumn('case_id', 'text')
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('sender_role', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_messages_room_idx').on('chat_messages').columns(['room_id', 'at']).execute();

  await db.schema
    .createTable('host_notes')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('host_notes_pk', ['room_id', 'user_id'])
    .execute();

  await db.schema.alterTable('evidence').addColumn('audience', 'text').execute();

  await appendOnly(db, 'session_events');
  await appendOnly(db, 'chat_messages');
}

export async function down(): Promise<void> {
  throw new Error('0003_sessions is not reversible: it holds session records');
}
