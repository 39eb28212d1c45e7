/**
 * Cases: organisations by region, applications with claims and evidence,
 * the public status timeline, the append-only audit log, ratings and
 * follow-up visits. Rooms become a case's scheduled sessions; invitations
 * gain a short code and one-time redemption.
 */
import type { Kysely } from 'kysely';
import { appendOnly } from './appendOnly.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('province', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('county', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('street', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('organisations_region_idx').on('organisations').column('region_code').execute();
  await db.schema.alterTable('users').addColumn('organisation_id', 'text', (c) => c.references('organisations.id')).execute();

  await db.schema
    .createTable('serial_counters')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('serial_number', 'text', (c) => c.notNull().unique())
    .addColumn('tracking_code_hash', 'text', (c) => c.notNull())
    // The tracking code encrypted under the submitting form's idempotency key: a resend of the same form gets it back.
    .addColumn('tracking_code_sealed', 'text', (c) => c.notNull())
    .addColumn('respondent_code_hash', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dispute_type', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('applicant_id_number', 'text', (c) => c.notNull())
    .addColumn('applicant_phone', 'text', (c) => c.notNull())
    .addColumn('applicant_address', 'text', (c) => c.notNull())
    .addColumn('applicant_agent_name', 'text')
    .addColumn('applicant_agent_phone', 'text')
    .addColumn('employer_name', 'text', (c) => c.notNull())
    .addColumn('employer_credit_code', 'text', (c) => c.notNull())
    .addColumn('employer_address', 'text', (c) => c.notNull())
    .addColumn('employer_contact', 'text', (c) => c.notNull())
    .addColumn('respondent_agent_name', 'text')
    .addColumn('respondent_agent_phone', 'text')
    .addColumn('claimed_cents', 'bigint', (c) => c.notNull())
    .addColumn('counterclaimed_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('recovered_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('assigned_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('rejection_reason', 'text')
    .addColumn('outcome', 'text')
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('responded_at', 'text')
    .addColumn('accepted_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('submitter_ip', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_status_idx').on('cases').column('status').execute();
  await db.schema.createIndex('cases_employer_idx').on('cases').columns(['employer_credit_code', 'submitted_at']).execute();
  await db.schema.createIndex('cases_org_idx').on('cases').column('organisation_id').execute();
  await db.schema.createIndex('cases_assignee_idx').on('cases').column('assigned_user_id').execute();
  // The same person filing the same dispute twice while the first is open is a duplicate.
  await db.schema.createIndex('cases_applicant_idx').on('cases').columns(['applicant_id_number', 'employer_credit_code']).execute();

  await db.schema
    .createTable('claims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('claims_case_idx').on('claims').column('case_id').execute();

  await db.schema
    .createTable('evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_case_idx').on('evidence').column('case_id').execute();

  await db.schema
    .createTable('case_status_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_status_events_case_idx').on('case_status_events').columns(['case_id', 'at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text')
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_case_idx').on('audit_log').columns(['case_id', 'at']).execute();

  await db.schema
    .createTable('ratings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
    .addColumn('invitation_id', 'text', (c) => c.notNull().unique().references('invitations.id'))
    .addColumn('rated_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('follow_ups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('performed', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('rooms').addColumn('case_id', 'text', (c) => c.references('cases.id')).execute();
  await db.schema.alterTable('rooms').addColumn('scheduled_at', 'text').execute();
  await db.schema.alterTable('rooms').addColumn('started_at', 'text').execute();
  await db.schema.alterTable('rooms').addColumn('host_user_id', 'text', (c) => c.references('users.id')).execute();
  await db.schema.alterTable('invitations').addColumn('short_code', 'text').execute();
  await db.schema.alterTable('invitations').addColumn('redeemed_at', 'text').execute();
  await db.schema.alterTable('invitations').addColumn('redeemed_by', 'text').execute();
  await db.schema.createIndex('invitations_short_code_idx').on('invitations').column('short_code').unique().execute();

  await appendOnly(db, 'audit_log');
}

export async function down(): Promise<void> {
  throw new Error('0002_cases is not reversible: it holds the audit log');
}
