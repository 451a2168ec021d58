// All repositories in one object, with transactions that bind them to one connection.
import type { Knex } from 'knex';
import type { Database } from './connection.js';
import { accountsRepository, type AccountsRepository } from './repositories/accounts.js';
import { decisionsRepository, type DecisionsRepository } from './repositories/decisions.js';
import { identitiesRepository, type IdentitiesRepository } from './repositories/identities.js';
import { invitationsRepository, type InvitationsRepository } from './repositories/invitations.js';
import { licenseRequestsRepository, type LicenseRequestsRepository } from './repositories/license-requests.js';
import { licensesRepository, type LicensesRepository } from './repositories/licenses.js';
import { membershipsRepository, type MembershipsRepository } from './repositories/memberships.js';
import { oidcLoginsRepository, type OidcLoginsRepository } from './repositories/oidc.js';
import { samlRepository, type SamlRepository } from './repositories/saml.js';
import { seatsRepository, type SeatsRepository } from './repositories/seats.js';
import { sessionsRepository, type SessionsRepository } from './repositories/sessions.js';
import { signupTokensRepository, type SignupTokensRepository } from './repositories/signup-tokens.js';
import { rateLimitsRepository, type RateLimitsRepository } from './repositories/rate-limits.js';
import { accessRequestsRepository, type AccessRequestsRepository } from './repositories/access-requests.js';
import { domainVerificationsRepository, type DomainVerificationsRepository } from './repositories/domain-verifications.js';
import { auditLogRepository, type AuditLogRepository } from './repositories/audit-log.js';
import { requestDigestsRepository, type RequestDigestsRepository } from './repositories/request-digests.js';
import { usageRepository, type UsageRepository } from './repositories/usage.js';
import { webhookOutboxRepository, type WebhookOutboxRepository } from './repositories/webhook-outbox.js';
import { policySnapshotsRepository, type PolicySnapshotsRepository } from './repositories/policy-snapshots.js';
import { scimGroupsRepository, type ScimGroupsRepository } from './repositories/scim-groups.js';
import { scimUsersRepository, type ScimUsersRepository } from './repositories/scim-users.js';
import { inTransaction } from './repositories/shared.js';
import { usersRepository, type UsersRepository } from './repositories/users.js';

export interface Repos {
  accounts: AccountsRepository;
  seats: SeatsRepository;
  users: UsersRepository;
  identities: IdentitiesRepository;
  memberships: MembershipsRepository;
  licenses: LicensesRepository;
  decisions: DecisionsRepository;
  invitations: InvitationsRepository;
  sessions: SessionsRepository;
  licenseRequests: LicenseRequestsRepository;
  oidc: OidcLoginsRepository;
  saml: SamlRepository;
  signupTokens: SignupTokensRepository;
  rateLimits: RateLimitsRepository;
  accessRequests: AccessRequestsRepository;
  domainVerifications: DomainVerificationsRepository;
  scimUsers: ScimUsersRepository;
  scimGroups: ScimGroupsRepository;
  policySnapshots: PolicySnapshotsRepository;
  auditLog: AuditLogRepository;
  webhookOutbox: WebhookOutboxRepository;
  requestDigests: RequestDigestsRepository;
  usage: UsageRepository;
  /**
   * Runs fn with repositories bound to one transaction: committed when fn resolves, rolled
   * back when it throws. Called on the `tx` repositories, it reuses that transaction.
   * Inside fn use only `tx`: on SQLite (one connection) the outer repositories would wait for the
   * connection the transaction holds until the pool gives up (acquire timeout).
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
}

/**
 * Repositories over knex. With `reader` (Database.reader, SQLite only), the hot lookups
 * outside transactions (sessions.find) read through it; repositories bound to a
 * transaction never do, so that they see the transaction's own writes. With
 * `sessionCache` (Database.sessionCache), session lookups outside transactions are served
 * from it, and session writes, in transactions too, drop what it keeps.
 */
export function createRepositories(knex: Knex, { reader, sessionCache }: Pick<Database, 'reader' | 'sessionCache'> = {}): Repos {
  const repos: Repos = {
    accounts: accountsRepository(knex),
    seats: seatsRepository(knex),
    users: usersRepository(knex),
    identities: identitiesRepository(knex),
    memberships: membershipsRepository(knex),
    licenses: licensesRepository(knex),
    decisions: decisionsRepository(knex),
    invitations: invitationsRepository(knex),
    sessions: sessionsRepository(knex, { reader, cache: sessionCache }),
    licenseRequests: licenseRequestsRepository(knex),
    oidc: oidcLoginsRepository(knex),
    saml: samlRepository(knex),
    signupTokens: signupTokensRepository(knex),
    rateLimits: rateLimitsRepository(knex),
    accessRequests: accessRequestsRepository(knex),
    domainVerifications: domainVerificationsRepository(knex),
    scimUsers: scimUsersRepository(knex),
    scimGroups: scimGroupsRepository(knex),
    policySnapshots: policySnapshotsRepository(knex),
    auditLog: auditLogRepository(knex),
    webhookOutbox: webhookOutboxRepository(knex),
    requestDigests: requestDigestsRepository(knex),
    usage: usageRepository(knex),
    transaction: (fn) => inTransaction(knex, (trx) => fn(trx === knex ? repos : createRepositories(trx, { sessionCache }))),
  };
  return repos;
}
