/**
 * Statutory clocks and the limitation warning: when the respondent was served
 * and answered, the approved extension of the award period, and the
 * employment dates the worker gives at intake.
 */
import type { Kysely } from 'kysely';

const columns: [string, 'text' | 'integer'][] = [
  ['served_at', 'text'],
  ['answered_at', 'text'],
  ['award_extension_days', 'integer'],
  ['award_extension_reason', 'text'],
  ['award_extended_at', 'text'],
  ['award_extended_by', 'text'],
  ['employment_ended', 'integer'],
  ['employment_ended_on', 'text'],
  ['infringement_known_on', 'text'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of columns) await db.schema.alterTable('cases').addColumn(name, type).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of [...columns].reverse()) await db.schema.alterTable('cases').dropColumn(name).execute();
}
