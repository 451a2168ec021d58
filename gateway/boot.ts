// Opening the database for a command: the URL from the flags or gateway.yaml,
// the schema migrated (serve, migrate) or merely checked (read-only commands).
import { createRepositories, migrate, migrationStatus, openDatabase, redactDbUrl, type Database, type OpenOptions, type Repos } from '../db/index.js';
import type { AccountSnapshot } from '../db/index.js';
import type { Policies } from '../policies/model.js';
import { snapshotOf } from '../policies/plan.js';
import { databaseUrl, type CommonFlags } from './settings.js';

export interface Opened {
  db: Database;
  repos: Repos;
  url: string;
}

export async function openForPolicies(policies: Policies, flags: CommonFlags, options: Pick<OpenOptions, 'onWarning' | 'sessionCache'> = {}): Promise<Opened> {
  const url = databaseUrl(flags, policies);
  const db = await openDatabase(url, { poolMax: policies.gateway.database.poolMax, ...options });
  return { db, repos: createRepositories(db.knex, db), url: redactDbUrl(url) };
}

/** Migrate, then copy accounts, teams and seat totals from the policies into the database. */
export async function prepareDatabase(opened: Opened, policies: Policies): Promise<string[]> {
  const applied = await migrate(opened.db.knex);
  await syncPolicies(opened.repos, policies);
  return applied;
}

/** Copy accounts, teams and seat totals into the database, and keep a snapshot of the version for `doorman plan`. */
export async function syncPolicies(repos: Repos, policies: Policies): Promise<void> {
  const now = Date.now();
  await repos.accounts.sync(policies.accounts.map(toSnapshot), policies.version, now);
  await repos.policySnapshots.record(policies.version, JSON.stringify(snapshotOf(policies)), now);
}

/** For commands that change nothing: the schema must be current already. */
export async function requireMigrated(opened: Opened): Promise<void> {
  const { pending } = await migrationStatus(opened.db.knex);
  if (pending.length > 0) throw new Error(`the database at ${opened.url} needs migrations (${pending.join(', ')}): run doorman migrate`);
}

export const toSnapshot = (a: Policies['accounts'][number]): AccountSnapshot => ({
  id: a.id,
  name: a.name,
  program: a.licensing.program,
  defaultLicense: a.licensing.defaultLicense,
  seatsFull: a.licensing.seatsFull,
  teams: a.teams,
});
