// The daily digests of open requests already sent: one per account and UTC day,
// taken by exactly one gateway process.
import type { Knex } from 'knex';

export interface RequestDigestsRepository {
  /** True for the one caller that takes this account's digest for `day`; false when taken already. */
  claimDay(accountId: string, day: string, now: number): Promise<boolean>;
}

export function requestDigestsRepository(knex: Knex): RequestDigestsRepository {
  return {
    async claimDay(accountId, day, now) {
      const inserted = await knex('request_digests').insert({ account_id: accountId, day, sent_at: now }).onConflict(['account_id', 'day']).ignore().returning('day');
      return inserted.length > 0;
    },
  };
}
