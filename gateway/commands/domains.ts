import { openForPolicies, prepareDatabase } from '../boot.js';
import { verifyDomains } from '../domain-verification.js';
import type { CommonFlags } from '../settings.js';
import { policiesOrExit } from './load.js';

/** `doorman domains verify`: look up every dns domain's TXT record and record the result. */
export async function domainsVerifyCommand(flags: CommonFlags & { resolver?: string[]; json?: boolean }): Promise<number> {
  const policies = policiesOrExit(flags);
  const opened = await openForPolicies(policies, flags);
  try {
    await prepareDatabase(opened, policies);
    const results = await verifyDomains(opened.repos, policies, flags.resolver ?? policies.gateway.dnsServers);
    if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else for (const r of results) process.stdout.write(`${r.account}\t${r.domain}\t${r.verified ? 'verified' : 'NOT verified'}\t${r.detail}\n`);
    // 0 when every domain is verified, 1 when some are not: scripts can wait for DNS to catch up.
    return results.every((r) => r.verified) ? 0 : 1;
  } finally {
    await opened.db.close();
  }
}
