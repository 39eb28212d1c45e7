/**
 * Versioned migrations, applied in name order at start. Only portable
 * column types, so the same migration runs on SQLite and PostgreSQL.
 * Never edit a migration that has shipped: add the next one.
 */
import type { Kysely, Migration } from 'kysely';
import * as cases from './0002_cases.ts';
import * as sessions from './0003_sessions.ts';
import * as recordings from './0004_recordings.ts';
import * as documents from './0005_documents.ts';
import * as roomsOrganisation from './0006_rooms_organisation.ts';
import * as statutoryClocks from './0020_statutory_clocks.ts';
import * as sealsCertificatesProfiles from './0030_seals_certificates_profiles.ts';
import * as sessionEnd from './0040_session_end.ts';

export const migrations: Record<string, Migration> = {
  '0001_users_rooms_invitations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('invitations_room_idx').on('invitations').column('room_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('invitations').execute();
      await db.schema.dropTable('rooms').execute();
      await db.schema.dropTable('users').execute();
    },
  },
  '0002_cases': cases,
  '0003_sessions': sessions,
  '0004_recordings': recordings,
  '0005_documents': documents,
  '0006_rooms_organisation': roomsOrganisation,
  '0010_collective': await import('./0010_collective.ts'),
  '0020_statutory_clocks': statutoryClocks,
  '0030_seals_certificates_profiles': sealsCertificatesProfiles,
  '0040_session_end': sessionEnd,
};
