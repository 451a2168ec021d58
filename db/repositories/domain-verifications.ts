// Domains whose DNS TXT record `doorman-verification=<token>` was found.
import type { Knex } from 'knex';

export interface DomainVerificationsRepository {
  record(domain: string, accountId: string, token: string, now: number): Promise<void>;
  /** Verified for this account with this token (a changed token needs a new check). */
  isVerified(domain: string, accountId: string, token: string): Promise<boolean>;
  /** A record that no longer holds (the TXT record is gone) is forgotten. */
  forget(domain: string): Promise<void>;
}

export function domainVerificationsRepository(knex: Knex): DomainVerificationsRepository {
  const table = () => knex('domain_verifications');
  return {
    async record(domain, accountId, token, now) {
      await table().insert({ domain, account_id: accountId, token, verified_at: now }).onConflict('domain').merge();
    },
    async isVerified(domain, accountId, token) {
      return (await table().where({ domain, account_id: accountId, token }).first('domain')) !== undefined;
    },
    async forget(domain) {
      await table().where({ domain }).delete();
    },
  };
}
