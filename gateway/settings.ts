// Where the CLI's settings come from: flags win over gateway.yaml, which wins over defaults.
import { join } from 'node:path';
import type { Policies } from '../policies/model.js';

export interface CommonFlags {
  policies?: string;
  db?: string;
}

/** --policies, else $DOORMAN_POLICIES, else the current folder. */
export const policiesDir = (flags: CommonFlags): string => flags.policies ?? process.env.DOORMAN_POLICIES ?? '.';

/** --db, else gateway.yaml's database.url, else SQLite under the data folder. */
export const databaseUrl = (flags: CommonFlags, policies: Policies): string =>
  flags.db ?? policies.gateway.database.url ?? `sqlite:${join(policies.gateway.dataDir, 'doorman.sqlite')}`;
