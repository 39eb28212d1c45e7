/**
 * The stores every store test runs on: SQLite always, and PostgreSQL too
 * when DATABASE_URL is set. Each PostgreSQL run gets its own schema, so
 * concurrent runs never see each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../../server/store/database.ts';

export interface StoreUnderTest {
  name: string;
  open(): Promise<{ db: Db; dataDir: string; databaseUrl?: string; cleanup(): Promise<void> }>;
}

export const storesUnderTest: StoreUnderTest[] = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-store-'));
      const db = await openDatabase({ dataDir });
      return {
        db,
        dataDir,
        async cleanup() {
          await db.destroy().catch(() => undefined);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

const postgresUrl = process.env.DATABASE_URL;
if (postgresUrl) {
  storesUnderTest.push({
    name: 'postgres',
    async open() {
      const schema = `yt_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const databaseUrl = url.toString();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yunting-store-'));
      const db = await openDatabase({ dataDir, databaseUrl });
      return {
        db,
        dataDir,
        databaseUrl,
        async cleanup() {
          await db.destroy().catch(() => undefined);
          const client = new pg.Client({ connectionString: postgresUrl });
          await client.connect();
          await client.query(`DROP SCHEMA ${schema} CASCADE`);
          await client.end();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  });
}
