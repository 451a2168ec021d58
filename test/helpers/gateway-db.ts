// Database URLs for gateway processes under test: a fresh SQLite file always, and a
// fresh PostgreSQL schema when DOORMAN_TEST_PG_URL is set (CI makes it mandatory).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.js';

export interface GatewayDb {
  engine: 'sqlite' | 'postgres';
  url: string;
  dispose(): Promise<void>;
}

export function gatewayEngines(): ('sqlite' | 'postgres')[] {
  if (process.env.DOORMAN_TEST_PG_URL) return ['sqlite', 'postgres'];
  if (process.env.DOORMAN_TEST_REQUIRE_PG) throw new Error('DOORMAN_TEST_PG_URL must be set: the PostgreSQL suites are mandatory here');
  return ['sqlite'];
}

export async function gatewayDb(engine: 'sqlite' | 'postgres'): Promise<GatewayDb> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-gwdb-'));
    return { engine, url: `sqlite:${join(dir, 'gateway.sqlite')}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = process.env.DOORMAN_TEST_PG_URL!;
  const schema = `doorman_gw_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase(base, { poolMax: 1 });
  await admin.knex.raw('CREATE SCHEMA ??', [schema]);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    engine,
    url: url.toString(),
    async dispose() {
      await admin.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.close();
    },
  };
}
