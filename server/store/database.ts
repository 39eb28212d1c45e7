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
  /** Where connection errors of idle or reserved PostgreSQL clients are logged (they would otherwise crash the process). */
  log?: { warn(obj: object, msg: string): void };
}

/**
 * How long a SQLite write waits for another process's lock before failing
 * with SQLITE_BUSY (answered as STORE_UNAVAILABLE). better-sqlite3 waits
 * synchronously, so this stays short: the event loop is blocked meanwhile.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 1000;

export async function openDatabase(options: StoreOptions): Promise<Db> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl, options.log) : openSqlite(options.dataDir);
  await migrate(db);
  return db;
}

function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'yunting.sqlite3'), { timeout: SQLITE_BUSY_TIMEOUT_MS });
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  file.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
}

function openPostgres(connectionString: string, log: StoreOptions['log']): Db {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5000 });
  // A terminated backend or a restarting server makes idle clients emit 'error' on the pool, and a
  // client reserved between two queries of a transaction emit it on itself: unheard, either kills the
  // process. The pool drops the broken client and connects a new one on the next query.
  const onError = (error: Error) => log?.warn({ err: error }, 'PostgreSQL connection lost; the pool reconnects on the next query');
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
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
