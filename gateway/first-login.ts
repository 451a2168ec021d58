// Which way in an unknown identity takes, by the documented precedence:
//   1. a user of the account with this email (verified domain): link the identity
//   2. a pending admin or member invitation: provision as invited
//   3. JIT on the connection: provision into the connection's team
//   4. domain control of the verified domain: join, or ask for access
// Reads only; the caller acts on the plan.
import type { Invitation, User } from '../db/index.js';
import { emailDomain } from '../policies/explain.js';
import type { Account, DomainPolicy } from '../policies/model.js';
import type { Connection } from '../policies/schema.js';
import { isDomainVerified } from './domain-verification.js';
import type { NormalizedIdentity } from './identity.js';
import type { ProvisionRequest } from './provisioning.js';
import type { Runtime } from './runtime.js';
import { LoginRefused } from './refusal.js';

export type FirstLoginPlan =
  | { kind: 'link'; user: User }
  | { kind: 'provision'; request: ProvisionRequest }
  | { kind: 'access-request'; account: Account };

export async function planFirstLogin(runtime: Runtime, identity: NormalizedIdentity & { email: string }, now = Date.now()): Promise<FirstLoginPlan> {
  const policies = runtime.policies();
  const { repos } = runtime;
  const { email } = identity;
  const domainName = emailDomain(email);
  const via = identity.connectionId ? policies.connection(identity.connectionId) : undefined;
  if (identity.connectionId && !via) throw new LoginRefused('unknown-connection', 'This sign-in method is not configured.', 404);
  const connection = via?.connection;
  const outside = connection !== undefined && !connection.domains.includes(domainName);
  if (connection && outside && !connection.allow_outside_domains) {
    throw new LoginRefused('email-domain-outside-connection', 'Your email address does not belong to this sign-in method.', 403, `${domainName} is not a domain of ${connection.id}`);
  }

  // SSO logins stay in the connection's account; email sign-up may follow an invitation anywhere.
  const invitations = via ? await repos.invitations.findPendingByEmail(via.account.id, email, now) : await repos.invitations.findPendingAnywhere(email, now);
  const invitation = invitations.find((i) => i.kind !== 'guest');
  const claimed = policies.domain(domainName);
  const account = via?.account ?? (invitation ? policies.account(invitation.accountId) : undefined) ?? claimed?.account;
  if (!account) throw new LoginRefused('no-account-for-domain', 'No organisation uses this email domain here.', 403, `no account claims ${domainName}`);

  const ownDomain = claimed?.account.id === account.id && (await isDomainVerified(repos, account, claimed.domain)) ? claimed.domain : undefined;
  if (ownDomain || invitation) {
    const existing = await repos.users.findByEmail(account.id, email);
    if (existing) return { kind: 'link', user: existing };
  }

  const base = {
    account,
    email,
    name: identity.name,
    groups: identity.groups,
    identity: { connectionId: identity.connectionId ?? 'email', issuer: identity.issuer, subject: identity.subject },
    invitedAsGuest: invitations.some((i) => i.kind === 'guest' && i.accountId === account.id),
  };
  if (invitation && invitation.accountId === account.id) return { kind: 'provision', request: byInvitation(account, invitation, base) };
  if (connection?.jit && (ownDomain || (outside && connection.allow_outside_domains))) {
    return { kind: 'provision', request: { ...base, route: 'jit', teamId: connection.team ?? account.defaultTeam, connection, actor: `jit:${connection.id}` } };
  }
  if (!ownDomain) {
    throw new LoginRefused('domain-not-verified', 'Your organisation has not verified this email domain yet.', 403, `${domainName} is not a verified domain of ${account.id}`);
  }
  return byDomainControl(account, ownDomain, connection, base);
}

type Base = Omit<ProvisionRequest, 'route' | 'teamId'>;

function byInvitation(account: Account, invitation: Invitation, base: Base): ProvisionRequest {
  const admin = invitation.kind === 'admin';
  return {
    ...base,
    route: admin ? 'admin-invitation' : 'member-invitation',
    teamId: invitation.teamId && account.teams.some((t) => t.id === invitation.teamId) ? invitation.teamId : account.defaultTeam,
    adminChoice: admin ? (invitation.license ?? undefined) : undefined,
    invitationId: invitation.id,
    actor: invitation.invitedBy,
  };
}

function byDomainControl(account: Account, domain: DomainPolicy, connection: Connection | undefined, base: Base): FirstLoginPlan {
  switch (domain.control) {
    case 'auto_join':
    case 'auto_join_exclusive':
      return {
        kind: 'provision',
        request: { ...base, route: 'domain-control', teamId: account.defaultTeam, connection, restricted: domain.control === 'auto_join_exclusive', actor: `domain-control:${domain.name}` },
      };
    case 'request_access':
      return { kind: 'access-request', account };
    case 'off':
      throw new LoginRefused('no-provisioning-path', `${account.name} does not let new users join by themselves; ask your administrator to invite you.`);
  }
}
