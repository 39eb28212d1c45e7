/**
 * Recordings: one per continuous run of a session's media, made of track
 * parts (one producer, one stretch of confidentiality) made of segments,
 * each hashed when finished. The manifest's hash is what agreements print.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('confidential_access', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
    .addColumn('case_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('interrupted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('compose_progress', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('composed_file', 'text')
    .addColumn('composed_sha256', 'text')
    .addColumn('composed_bytes', 'bigint')
    .addColumn('composed_duration_s', 'real')
    .addColumn('manifest_sha256', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('recordings_room_idx').on('recordings').column('room_id').execute();
  await db.schema.createIndex('recordings_case_idx').on('recordings').column('case_id').execute();

  await db.schema
    .createTable('recording_parts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('producer_id', 'text', (c) => c.notNull())
    .addColumn('participant_name', 'text', (c) => c.notNull())
    .addColumn('participant_role', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('codec', 'text', (c) => c.notNull())
    .addColumn('confidential', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('interrupted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('recording_parts_recording_idx').on('recording_parts').column('recording_id').execute();

  await db.schema
    .createTable('recording_segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('part_id', 'text', (c) => c.notNull().references('recording_parts.id'))
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('start_s', 'real', (c) => c.notNull())
    .addColumn('duration_s', 'real', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('recovered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recording_segments_part_idx').on('recording_segments').columns(['part_id', 'sequence']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recording_segments').execute();
  await db.schema.dropTable('recording_parts').execute();
  await db.schema.dropTable('recordings').execute();
}
