/**
 * Documents signed online: the mediation agreement, the simplified-procedure
 * rights confirmation, the hearing record summary. A document's draft is
 * edited in place; sending it for signature freezes a version (a PDF with
 * its SHA-256); every signature names the exact version it was given on.
 * Versions, signatures and events are append-only: a later edit makes a new
 * version, and signatures on any version but the current one are void.
 */
import type { Kysely } from 'kysely';
import { appendOnly } from './appendOnly.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('room_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('current_version', 'integer')
    .addColumn('required_signers', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('final_sha256', 'text')
    .addColumn('final_file', 'text')
    .addColumn('final_bytes', 'bigint')
    .addColumn('finalised_at', 'text')
    .execute();
  await db.schema.createIndex('documents_case_idx').on('documents').column('case_id').execute();
  await db.schema.createIndex('documents_final_sha_idx').on('documents').column('final_sha256').execute();

  await db.schema
    .createTable('document_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('required_signers', 'text', (c) => c.notNull())
    .addColumn('pdf_file', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('slots', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text')
    .addColumn('recording_id', 'text')
    .addColumn('manifest_sha256', 'text')
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('document_versions_doc_idx').on('document_versions').columns(['document_id', 'version']).unique().execute();
  await db.schema.createIndex('document_versions_sha_idx').on('document_versions').column('sha256').execute();

  await db.schema
    .createTable('document_signatures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('document_versions.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('signer_kind', 'text', (c) => c.notNull())
    .addColumn('signer_id', 'text', (c) => c.notNull())
    .addColumn('signer_name', 'text', (c) => c.notNull())
    .addColumn('signer_role', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    .addColumn('image_file', 'text', (c) => c.notNull())
    .addColumn('image_sha256', 'text', (c) => c.notNull())
    .execute();
  // One signature per place on a version: a second tap, or a second phone of the same side, is refused.
  await db.schema.createIndex('document_signatures_slot_idx').on('document_signatures').columns(['version_id', 'slot']).unique().execute();

  await db.schema
    .createTable('document_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('sha256', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('document_events_doc_idx').on('document_events').columns(['document_id', 'at']).execute();

  await appendOnly(db, 'document_versions');
  await appendOnly(db, 'document_signatures');
  await appendOnly(db, 'document_events');
}

export async function down(): Promise<void> {
  throw new Error('0005_documents is not reversible: it holds signed records');
}
