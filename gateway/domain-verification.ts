// Is a domain verified? manual: the policy says so (a validator warning); dns:
// `doorman domains verify` found the TXT record `doorman-verification=<token>`.
import { Resolver } from 'node:dns/promises';
import type { Repos } from '../db/index.js';
import type { Account, DomainPolicy, Policies } from '../policies/model.js';

export async function isDomainVerified(repos: Repos, account: Account, domain: DomainPolicy): Promise<boolean> {
  if (domain.verification.method === 'manual') return domain.verification.verified;
  return domain.verification.token !== undefined && repos.domainVerifications.isVerified(domain.name, account.id, domain.verification.token);
}

export const TXT_PREFIX = 'doorman-verification=';

export interface VerificationResult {
  account: string;
  domain: string;
  method: 'dns' | 'manual';
  verified: boolean;
  detail: string;
}

/** Looks every dns domain up and records what it finds; `servers` overrides the system resolver. */
export async function verifyDomains(repos: Repos, policies: Policies, servers: string[] | undefined, now = Date.now()): Promise<VerificationResult[]> {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers?.length) resolver.setServers(servers);
  const results: VerificationResult[] = [];
  for (const account of policies.accounts) {
    for (const domain of account.domains) {
      const base = { account: account.id, domain: domain.name, method: domain.verification.method };
      if (domain.verification.method === 'manual') {
        const verified = domain.verification.verified;
        results.push({ ...base, verified, detail: verified ? 'marked verified by hand in the policy' : 'manual, not marked verified' });
        continue;
      }
      const expected = `${TXT_PREFIX}${domain.verification.token}`;
      let records: string[];
      try {
        records = (await resolver.resolveTxt(domain.name)).map((chunks) => chunks.join(''));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        if (code === 'ENOTFOUND' || code === 'ENODATA') records = [];
        // Any other failure (timeout, refused) proves nothing either way: keep what was recorded before.
        else {
        const verified = await isDomainVerified(repos, account, domain);
          results.push({ ...base, verified, detail: `DNS lookup failed (${code}); ${verified ? 'still verified from an earlier check' : 'not verified'}` });
          continue;
        }
      }
      if (records.includes(expected)) {
        await repos.domainVerifications.record(domain.name, account.id, domain.verification.token!, now);
        results.push({ ...base, verified: true, detail: `found TXT ${expected}` });
      } else {
        await repos.domainVerifications.forget(domain.name);
        results.push({ ...base, verified: false, detail: `no TXT record ${expected} at ${domain.name}` });
      }
    }
  }
  return results;
}
