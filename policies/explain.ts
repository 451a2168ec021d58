// What the policies would do with a person now, and why: which account, team,
// route and license. Pure: the caller gathers the facts from the database.
import { decideLicense, type Decision, type Route } from './license-decision.js';
import type { Account, DomainPolicy, Policies } from './model.js';
import { PUBLIC_MAIL_DOMAINS } from './public-domains.js';
import type { Connection, License } from './schema.js';

export interface PersonFacts {
  email: string;
  existingUser?: { accountId: string; license: License | null; status: string };
  pendingInvitation?: { accountId: string; kind: 'admin' | 'member'; teamId: string | null; license: License | null };
  invitedAsGuest: boolean;
  freeFullSeats: (accountId: string) => number;
  domainVerified: (domain: DomainPolicy) => boolean;
}

export interface Explanation {
  email: string;
  account: string | null;
  team: string | null;
  route: Route | null;
  /** 'provisioned' when the person would be created now; 'pending-approval' for request_access. */
  outcome: 'existing-user' | 'provisioned' | 'pending-approval' | 'not-captured';
  decision: Decision | null;
  why: string[];
}

export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export function explain(policies: Policies, facts: PersonFacts): Explanation {
  const email = facts.email.toLowerCase();
  const domainName = emailDomain(email);
  const why: string[] = [];
  const result = (partial: Partial<Explanation> & Pick<Explanation, 'outcome'>): Explanation => ({
    email, account: null, team: null, route: null, decision: null, why, ...partial,
  });

  if (facts.existingUser) {
    why.push(`${email} is already a user of account ${facts.existingUser.accountId} (${facts.existingUser.status}); nobody is provisioned twice`);
    return result({ outcome: 'existing-user', account: facts.existingUser.accountId });
  }

  const invitation = facts.pendingInvitation;
  if (invitation) {
    const account = policies.account(invitation.accountId);
    if (account) {
      const route: Route = invitation.kind === 'admin' ? 'admin-invitation' : 'member-invitation';
      why.push(`a pending ${invitation.kind} invitation to account ${account.id} wins over every other way in`);
      const decision = decide(account, route, facts, why, invitation.license ?? undefined);
      return result({ outcome: 'provisioned', account: account.id, team: invitation.teamId ?? account.defaultTeam, route, decision });
    }
    why.push(`a pending invitation names account ${invitation.accountId}, which the policies no longer declare`);
  }

  if (PUBLIC_MAIL_DOMAINS.has(domainName)) {
    why.push(`${domainName} is a public mail domain: never captured`);
    return result({ outcome: 'not-captured' });
  }
  const claimed = policies.domain(domainName);
  if (!claimed) {
    why.push(`no account claims ${domainName}`);
    return result({ outcome: 'not-captured' });
  }
  const { account, domain } = claimed;
  why.push(`${domainName} belongs to account ${account.id} (${account.file})`);
  if (!facts.domainVerified(domain)) {
    why.push(`${domainName} is not verified (${domain.verification.method}): neither JIT nor domain control captures its users`);
    return result({ outcome: 'not-captured', account: account.id });
  }

  const jit = account.connections.find((c) => c.jit && c.domains.includes(domainName));
  if (jit) {
    const team = jit.team ?? account.defaultTeam;
    why.push(`connection ${jit.id} (${jit.type}) has JIT on for ${domainName}: the first sign-in creates the user in team ${team}`);
    return result({ outcome: 'provisioned', account: account.id, team, route: 'jit', decision: decide(account, 'jit', facts, why) });
  }
  return byDomainControl(account, domain, ssoOnly(account, domainName), facts, why, result);
}

function byDomainControl(
  account: Account,
  domain: DomainPolicy,
  connection: Connection | undefined,
  facts: PersonFacts,
  why: string[],
  result: (partial: Partial<Explanation> & Pick<Explanation, 'outcome'>) => Explanation,
): Explanation {
  const via = connection ? `after signing in through ${connection.id}` : 'after email sign-up';
  switch (domain.control) {
    case 'off':
      why.push(`domain control is off for ${domain.name} and no connection has JIT on for it`);
      return result({ outcome: 'not-captured', account: account.id });
    case 'request_access':
      why.push(`domain control request_access: ${via} the person asks to join; an admin approves, and the license is decided then`);
      return result({ outcome: 'pending-approval', account: account.id, team: account.defaultTeam, route: 'domain-control' });
    case 'auto_join':
    case 'auto_join_exclusive': {
      const exclusive = domain.control === 'auto_join_exclusive' ? ', and may not create accounts of their own' : '';
      why.push(`domain control ${domain.control}: ${via} the person joins team ${account.defaultTeam}${exclusive}`);
      const decision = decide(account, 'domain-control', facts, why);
      return result({ outcome: 'provisioned', account: account.id, team: account.defaultTeam, route: 'domain-control', decision });
    }
  }
}

const ssoOnly = (account: Account, domain: string) => account.connections.find((c) => c.domains.includes(domain));

function decide(account: Account, route: Route, facts: PersonFacts, why: string[], adminChoice?: License): Decision {
  const { licensing } = account;
  const freeFullSeats = facts.freeFullSeats(account.id);
  const program = licensing.program === 'flexible' ? `flexible program, default ${licensing.defaultLicense}` : 'standard program';
  why.push(`${program}; ${freeFullSeats} of ${licensing.seatsFull} Full seats free${facts.invitedAsGuest ? '; invited to boards as a free guest' : ''}`);
  return decideLicense({ route, licensing, freeFullSeats, adminChoice, invitedAsGuest: facts.invitedAsGuest });
}
