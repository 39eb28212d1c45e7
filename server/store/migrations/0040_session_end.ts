/**
 * A session can be ended by its host for everyone: the room records when
 * and how (reason, hearing outcome, note), so an ended session is refused
 * on joining and its invitations open the end screen instead.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rooms').addColumn('ended_at', 'text').execute();
  await db.schema.alterTable('rooms').addColumn('end_detail', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rooms').dropColumn('end_detail').execute();
  await db.schema.alterTable('rooms').dropColumn('ended_at').execute();
}
