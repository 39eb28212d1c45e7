/**
 * The organisation's seal image and signing certificate (every version kept:
 * documents sealed earlier name the one they used), the public profile of
 * mediators and arbitrators, and the applicant's optional preference.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisation_seals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('png_base64', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('replaced_at', 'text')
    .execute();
  await db.schema.createIndex('organisation_seals_org_idx').on('organisation_seals').columns(['organisation_id', 'uploaded_at']).execute();
  await db.schema
    .createTable('organisation_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text', (c) => c.notNull())
    /** AES-256-GCM (iv ‖ tag ‖ ciphertext, base64) of the PKCS#12 and its password. */
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('replaced_at', 'text')
    .execute();
  await db.schema.createIndex('organisation_certificates_org_idx').on('organisation_certificates').columns(['organisation_id', 'uploaded_at']).execute();
  await db.schema.alterTable('users').addColumn('speciality', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('users').addColumn('languages', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('users').addColumn('photo_base64', 'text').execute();
  await db.schema.alterTable('users').addColumn('photo_type', 'text').execute();
  await db.schema.alterTable('cases').addColumn('preferred_staff_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('preferred_staff_id').execute();
  for (const column of ['photo_type', 'photo_base64', 'languages', 'speciality']) await db.schema.alterTable('users').dropColumn(column).execute();
  await db.schema.dropTable('organisation_certificates').execute();
  await db.schema.dropTable('organisation_seals').execute();
}
