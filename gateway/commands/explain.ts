import { explain, type Explanation, type PersonFacts } from '../../policies/explain.js';
import type { Policies } from '../../policies/model.js';
import type { Repos } from '../../db/index.js';
import { openForPolicies, requireMigrated } from '../boot.js';
import { isDomainVerified } from '../domain-verification.js';
import type { CommonFlags } from '../settings.js';
import { policiesOrExit } from './load.js';

export async function explainCommand(email: string, flags: CommonFlags & { json?: boolean }): Promise<number> {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    process.stderr.write(`doorman explain: ${JSON.stringify(email)} is not an email address\n`);
    return 2;
  }
  const policies = policiesOrExit(flags);
  const opened = await openForPolicies(policies, flags);
  try {
    await requireMigrated(opened);
    const explanation = explain(policies, await gatherFacts(policies, opened.repos, email));
    process.stdout.write(flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : render(explanation));
    return 0;
  } finally {
    await opened.db.close();
  }
}

/** Read, never write: what the database knows of this person and of the seats. */
async function gatherFacts(policies: Policies, repos: Repos, email: string): Promise<PersonFacts> {
  const now = Date.now();
  const facts: PersonFacts = { email, invitedAsGuest: false, freeFullSeats: () => 0, domainVerified: () => false };
  const seats = new Map<string, number>();
  const verified = new Set<string>();
  for (const account of policies.accounts) {
    for (const domain of account.domains) if (await isDomainVerified(repos, account, domain)) verified.add(domain.name);
    const user = await repos.users.findByEmail(account.id, email);
    if (user && !facts.existingUser) {
      const license = await repos.licenses.get(user.id);
      facts.existingUser = { accountId: account.id, license: license?.license ?? null, status: user.status };
    }
    for (const invitation of await repos.invitations.findPendingByEmail(account.id, email, now)) {
      if (invitation.kind === 'guest') facts.invitedAsGuest = true;
      else facts.pendingInvitation ??= { accountId: account.id, kind: invitation.kind, teamId: invitation.teamId, license: invitation.license };
    }
    // Seats bought come from the live policies, seats held from the database.
    const { used } = await repos.seats.usage(account.id);
    seats.set(account.id, Math.max(0, account.licensing.seatsFull - used));
  }
  facts.freeFullSeats = (accountId) => seats.get(accountId) ?? 0;
  facts.domainVerified = (domain) => verified.has(domain.name);
  return facts;
}

function render(e: Explanation): string {
  const lines = [
    `email:    ${e.email}`,
    `outcome:  ${e.outcome}`,
    `account:  ${e.account ?? '-'}`,
    `team:     ${e.team ?? '-'}`,
    `route:    ${e.route ?? '-'}`,
    `license:  ${e.decision ? (e.decision.ok ? `${e.decision.license} (${e.decision.reason})` : `refused: ${e.decision.refusal}: ${e.decision.message}`) : '-'}`,
    'why:',
    ...e.why.map((w) => `  - ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}
