// Fresh, migrated databases for in-process measurements: a SQLite file, or a PostgreSQL
// schema of its own (dropped afterwards) on DOORMAN_BENCH_PG_URL / DOORMAN_TEST_PG_URL.
import { randomBytes } from 'node:crypto';
import { syncPolicies } from '../../gateway/boot.js';
import { createRepositories, migrate, openDatabase, type Database, type Engine, type Repos } from '../../db/index.js';
import type { Policies } from '../../policies/model.js';
import { sqliteUrl } from './setup.js';

export const PG_URL = process.env.DOORMAN_BENCH_PG_URL ?? process.env.DOORMAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDb {
  engine: Engine;
  /** The URL a gateway process would use for the same database. */
  url: string;
  db: Database;
  repos: Repos;
  dispose(): Promise<void>;
}

/** A fresh URL (SQLite file or PostgreSQL schema) and how to drop it. */
export async function freshDatabaseUrl(engine: Engine): Promise<{ url: string; dispose(): Promise<void> }> {
  if (engine === 'sqlite') return { url: sqliteUrl(), dispose: async () => undefined };
  const schema = `doorman_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase(PG_URL, { poolMax: 1 });
  await admin.knex.raw('CREATE SCHEMA ??', [schema]);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async dispose() {
      await admin.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.close();
    },
  };
}

export async function benchDatabase(engine: Engine, policies: Policies): Promise<BenchDb> {
  const fresh = await freshDatabaseUrl(engine);
  const db = await openDatabase(fresh.url);
  await migrate(db.knex);
  const repos = createRepositories(db.knex);
  await syncPolicies(repos, policies);
  return {
    engine,
    url: fresh.url,
    db,
    repos,
    async dispose() {
      await db.close();
      await fresh.dispose();
    },
  };
}
