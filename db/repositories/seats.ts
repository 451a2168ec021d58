// Full-seat counters. Reserving is one conditional UPDATE, so concurrent logins can never
// hand out more seats than the account bought.
import type { Knex } from 'knex';

export interface SeatUsage {
  total: number;
  used: number;
  /** max(0, total - used): total may drop below used when the policy lowers it. */
  free: number;
}

export interface SeatsRepository {
  /**
   * Takes one Full seat if one is free; false when all are used (or the account has no counter).
   * With `bought` (the policy's count), also false when `bought` or more are used.
   */
  reserveFull(accountId: string, bought?: number): Promise<boolean>;
  /** Gives one Full seat back; false when none was in use. */
  releaseFull(accountId: string): Promise<boolean>;
  usage(accountId: string): Promise<SeatUsage>;
}

interface SeatCounterRow {
  account_id: string;
  license: string;
  total: number;
  used: number;
}

export function seatsRepository(knex: Knex): SeatsRepository {
  const full = (accountId: string) => knex<SeatCounterRow>('seat_counters').where({ account_id: accountId, license: 'full' });
  return {
    async reserveFull(accountId, bought) {
      // UPDATE seat_counters SET used = used + 1 WHERE account_id = ? AND license = 'full' AND used < total [AND used < bought]
      const query = full(accountId).andWhere('used', '<', knex.ref('total'));
      if (bought !== undefined) query.andWhere('used', '<', bought);
      return (await query.increment('used', 1)) > 0;
    },

    async releaseFull(accountId) {
      const changed = await full(accountId).andWhere('used', '>', 0).decrement('used', 1);
      return changed > 0;
    },

    async usage(accountId) {
      const row = await full(accountId).first();
      const total = row?.total ?? 0;
      const used = row?.used ?? 0;
      return { total, used, free: Math.max(0, total - used) };
    },
  };
}
