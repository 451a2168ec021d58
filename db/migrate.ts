// Schema migrations. They are listed here in order (no directory scanning), so they
// run the same under tsx, from a checkout or a bundle, on SQLite and PostgreSQL.
import type { Knex } from 'knex';
import * as accounts from './migrations/0001_accounts.js';
import * as users from './migrations/0002_users.js';
import * as licenses from './migrations/0003_licenses.js';
import * as invitations from './migrations/0004_invitations.js';
import * as sessions from './migrations/0005_sessions.js';
import * as saml from './migrations/0006_saml.js';
import * as oidc from './migrations/0007_oidc.js';
import * as signup from './migrations/0008_signup.js';
import * as provisioning from './migrations/0009_provisioning.js';
import * as scim from './migrations/0010_scim.js';
import * as requests from './migrations/0011_requests.js';
import * as policySnapshots from './migrations/0012_policy_snapshots.js';
import * as sessionNotify from './migrations/0013_session_notify.js';

interface NamedMigration {
  name: string;
  migration: Knex.Migration;
}

/** Append only: never rename, reorder or edit a migration that has shipped. */
const MIGRATIONS: readonly NamedMigration[] = [
  { name: '0001_accounts', migration: accounts },
  { name: '0002_users', migration: users },
  { name: '0003_licenses', migration: licenses },
  { name: '0004_invitations', migration: invitations },
  { name: '0005_sessions', migration: sessions },
  { name: '0006_saml', migration: saml },
  { name: '0007_oidc', migration: oidc },
  { name: '0008_signup', migration: signup },
  { name: '0009_provisioning', migration: provisioning },
  { name: '0010_scim', migration: scim },
  { name: '0011_requests', migration: requests },
  { name: '0012_policy_snapshots', migration: policySnapshots },
  { name: '0013_session_notify', migration: sessionNotify },
];

const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m.migration,
};

const config: Knex.MigratorConfig = { migrationSource };

/** Applies the pending migrations; returns the names applied (empty when up to date). */
export async function migrate(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export async function migrationStatus(knex: Knex): Promise<MigrationStatus> {
  const [completed, pending] = (await knex.migrate.list(config)) as [{ name: string }[], NamedMigration[]];
  return { applied: completed.map((m) => m.name), pending: pending.map((m) => m.name) };
}
