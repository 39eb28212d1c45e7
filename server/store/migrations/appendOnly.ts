import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** Nothing, not even a direct SQL client of the application's, may edit or delete audit rows. */
export async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger AS $$
         BEGIN RAISE EXCEPTION '${table} is append-only'; END; $$ LANGUAGE plpgsql`,
      )
      .execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_append_only()`).execute(db);
  } else {
    await sql.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
  }
}

