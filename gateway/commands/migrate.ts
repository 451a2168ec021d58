import { openForPolicies, prepareDatabase } from '../boot.js';
import type { CommonFlags } from '../settings.js';
import { policiesOrExit } from './load.js';

export async function migrateCommand(flags: CommonFlags): Promise<number> {
  const policies = policiesOrExit(flags);
  const opened = await openForPolicies(policies, flags);
  try {
    const applied = await prepareDatabase(opened, policies);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')} to ${opened.url}\n` : `${opened.url} is up to date\n`);
    process.stdout.write(`synced ${policies.accounts.length} account(s) at policy version ${policies.version}\n`);
    return 0;
  } finally {
    await opened.db.close();
  }
}
