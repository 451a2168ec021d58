// Each user's current license, and the decision that gave it.
import type { Knex } from 'knex';
import type { License } from '../../policies/schema.js';

export interface LicenseAssignment {
  userId: string;
  accountId: string;
  license: License;
  assignedAt: number;
  decisionId: number;
}

export interface LicensesRepository {
  /** Sets the user's license, replacing the previous one. Seats are the caller's business (see seats). */
  assign(userId: string, accountId: string, license: License, decisionId: number, now: number): Promise<LicenseAssignment>;
  get(userId: string): Promise<LicenseAssignment | null>;
  /** The user holds no license any more (deactivated); false when they held none. */
  remove(userId: string): Promise<boolean>;
  /** How many of the account's users hold each license. */
  countByLicense(accountId: string): Promise<Record<License, number>>;
}

interface LicenseRow {
  user_id: string;
  account_id: string;
  license: License;
  assigned_at: number;
  decision_id: number;
}

const toAssignment = (r: LicenseRow): LicenseAssignment => ({
  userId: r.user_id,
  accountId: r.account_id,
  license: r.license,
  assignedAt: r.assigned_at,
  decisionId: r.decision_id,
});

export function licensesRepository(knex: Knex): LicensesRepository {
  return {
    async assign(userId, accountId, license, decisionId, now) {
      const row: LicenseRow = { user_id: userId, account_id: accountId, license, assigned_at: now, decision_id: decisionId };
      await knex<LicenseRow>('licenses').insert(row).onConflict('user_id').merge(['account_id', 'license', 'assigned_at', 'decision_id']);
      return toAssignment(row);
    },

    async remove(userId) {
      return (await knex('licenses').where({ user_id: userId }).delete()) > 0;
    },

    async get(userId) {
      const row = await knex<LicenseRow>('licenses').where({ user_id: userId }).first();
      return row ? toAssignment(row) : null;
    },

    async countByLicense(accountId) {
      const rows: { license: License; n: number | string }[] = await knex('licenses')
        .where({ account_id: accountId })
        .select('license')
        .count({ n: '*' })
        .groupBy('license');
      const counts: Record<License, number> = { full: 0, free: 0, free_restricted: 0 };
      for (const r of rows) counts[r.license] = Number(r.n);
      return counts;
    },
  };
}
