/**
 * Collective disputes (集体争议): one application naming many workers
 * against one employer. Each worker has its own identity, claims, amount and
 * tracking code; three to five of them represent everyone in sessions and
 * sign; each worker's consent to an agreement version is recorded. Separate
 * applications against one employer can be merged into one collective case
 * (and unmerged until a session is scheduled). No column of an existing
 * table changes: everything collective lives in its own tables.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('collective_cases')
    .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
    // 'intake' (filed as collective), 'share_link' (the first applicant invited others), 'merge' (the clerk merged applications).
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('share_code_hash', 'text', (c) => c.unique())
    // The share code encrypted under the first applicant's tracking code: shown again on their /track page.
    .addColumn('share_code_sealed', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('case_workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('tracking_code_hash', 'text', (c) => c.notNull())
    .addColumn('claimed_cents', 'bigint', (c) => c.notNull())
    .addColumn('representative', 'integer', (c) => c.notNull().defaultTo(0))
    // 'intake', 'share_link' or 'merge'; a merged worker keeps its own application (source_case_id) and its tracking code.
    .addColumn('joined_via', 'text', (c) => c.notNull())
    .addColumn('source_case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('tracking_code_sealed', 'text')
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('submitter_ip', 'text')
    .execute();
  // One person appears once in a collective case.
  await db.schema.createIndex('case_workers_person_idx').on('case_workers').columns(['case_id', 'id_number']).unique().execute();
  await db.schema.createIndex('case_workers_source_idx').on('case_workers').column('source_case_id').execute();

  await db.schema
    .createTable('worker_claims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('worker_id', 'text', (c) => c.notNull().references('case_workers.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('worker_claims_worker_idx').on('worker_claims').column('worker_id').execute();

  await db.schema
    .createTable('worker_consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('case_workers.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    // 'self': the worker confirmed on its own phone (tracking code); 'recorded': staff recorded a consent given in writing, by phone or in person.
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('worker_consents_once_idx').on('worker_consents').columns(['worker_id', 'document_id', 'version']).unique().execute();

  await db.schema
    .createTable('case_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('target_case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('source_case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('merged_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('merged_at', 'text', (c) => c.notNull())
    .addColumn('unmerged_by', 'text', (c) => c.references('users.id'))
    .addColumn('unmerged_at', 'text')
    .execute();
  await db.schema.createIndex('case_merges_source_idx').on('case_merges').columns(['source_case_id', 'unmerged_at']).execute();
  await db.schema.createIndex('case_merges_target_idx').on('case_merges').column('target_case_id').execute();

  // A session invitation issued to a representative: which worker, which signature place.
  await db.schema
    .createTable('representative_invitations')
    .addColumn('invitation_id', 'text', (c) => c.primaryKey().references('invitations.id'))
    .addColumn('worker_id', 'text', (c) => c.notNull().references('case_workers.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('slot', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['representative_invitations', 'case_merges', 'worker_consents', 'worker_claims', 'case_workers', 'collective_cases']) {
    await db.schema.dropTable(table).execute();
  }
}
