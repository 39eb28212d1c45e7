/**
 * Every room belongs to an organisation: a case's sessions to the case's,
 * an ad-hoc room (made from /console without a case) to its creator's. A
 * room made by the platform admin (no organisation) has none: only platform
 * admins and its creator see it. Rooms that exist already are filled in the
 * same way.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rooms').addColumn('organisation_id', 'text').execute();
  await sql`UPDATE rooms SET organisation_id = (SELECT cases.organisation_id FROM cases WHERE cases.id = rooms.case_id) WHERE case_id IS NOT NULL`.execute(db);
  await sql`UPDATE rooms SET organisation_id = (SELECT users.organisation_id FROM users WHERE users.id = rooms.created_by) WHERE case_id IS NULL`.execute(db);
  await db.schema.createIndex('rooms_organisation_idx').on('rooms').columns(['organisation_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rooms_organisation_idx').execute();
  await db.schema.alterTable('rooms').dropColumn('organisation_id').execute();
}
