// The audit of license decisions: every decision is recorded, none is changed afterwards.
import type { Knex } from 'knex';
import type { License } from '../../policies/schema.js';

export interface LicenseDecision {
  id: number;
  accountId: string;
  /** Null for a decision about someone who got no user (e.g. refused), or whose user was deleted. */
  userId: string | null;
  email: string;
  /** How the decision came about, e.g. 'jit', 'scim', 'invitation', 'admin', 'request'. */
  route: string;
  /** Null when no license was given. */
  license: License | null;
  reason: string;
  policyVersion: string;
  /** Who decided (an admin), null for the policy itself. */
  actor: string | null;
  decidedAt: number;
}

export type NewLicenseDecision = Omit<LicenseDecision, 'id'>;

export interface DecisionsRepository {
  /** Returns the new decision's id. */
  record(decision: NewLicenseDecision): Promise<number>;
  /** Newest first. */
  listForUser(userId: string): Promise<LicenseDecision[]>;
  /** Newest first, at most `limit`. */
  listForAccount(accountId: string, limit?: number): Promise<LicenseDecision[]>;
}

interface DecisionRow {
  id: number;
  account_id: string;
  user_id: string | null;
  email: string;
  route: string;
  license: License | null;
  reason: string;
  policy_version: string;
  actor: string | null;
  decided_at: number;
}

const toDecision = (r: DecisionRow): LicenseDecision => ({
  id: r.id,
  accountId: r.account_id,
  userId: r.user_id,
  email: r.email,
  route: r.route,
  license: r.license,
  reason: r.reason,
  policyVersion: r.policy_version,
  actor: r.actor,
  decidedAt: r.decided_at,
});

export function decisionsRepository(knex: Knex): DecisionsRepository {
  const decisions = () => knex<DecisionRow>('license_decisions');
  return {
    async record(d) {
      const [row] = await decisions()
        .insert({
          account_id: d.accountId,
          user_id: d.userId,
          email: d.email,
          route: d.route,
          license: d.license,
          reason: d.reason,
          policy_version: d.policyVersion,
          actor: d.actor,
          decided_at: d.decidedAt,
        })
        .returning('id');
      if (!row) throw new Error('license_decisions insert returned no id');
      return row.id;
    },

    async listForUser(userId) {
      const rows = await decisions().where({ user_id: userId }).orderBy('id', 'desc');
      return rows.map(toDecision);
    },

    async listForAccount(accountId, limit = 100) {
      const rows = await decisions().where({ account_id: accountId }).orderBy('id', 'desc').limit(limit);
      return rows.map(toDecision);
    },
  };
}
