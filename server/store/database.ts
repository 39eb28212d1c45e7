/**
 * Opens the store: SQLite (WAL) in the data directory by default, PostgreSQL
 * when a DATABASE_URL is given. Migrations run before anything else uses it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';

export type Db = Kysely<Database>;

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
}

export async function openDatabase(options: StoreOptions): Promise<Db> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  await migrate(db);
  return db;
}

function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'yunting.sqlite3'));
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  file.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
}

function openPostgres(connectionString: string): Db {
  const pool = new pg.Pool({ connectionString, max: 10 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrate(db: Db): Promise<void> {
  // Kysely looks for its own tables in every schema unless told which one: on a
  // PostgreSQL database shared by several schemas (tests, or tenants) another
  // schema's lock table would make it skip creating this one's.
  const migrationTableSchema = db.getExecutor().adapter.supportsTransactionalDdl
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
