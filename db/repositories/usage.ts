// Reads for license usage reports and the admin's user list: users with their
// license, teams and last activity; the decision history; people of the
// account's domains who are not in it.
import type { Knex } from 'knex';
import type { License } from '../../policies/schema.js';
import type { UserStatus } from './users.js';

export interface UserUsage {
  id: string;
  email: string;
  name: string | null;
  status: UserStatus;
  license: License | null;
  teams: string[];
  createdAt: number;
  lastActiveAt: number | null;
}

export interface UserFilter {
  license?: License;
  team?: string;
  /** Email domain, e.g. acme.com. */
  domain?: string;
  status?: UserStatus;
  /** Last active at or after (ms since the epoch). */
  activeSince?: number;
  /** Never active, or last active before (ms since the epoch). */
  inactiveSince?: number;
}

export interface DecisionPoint {
  userId: string | null;
  email: string;
  license: License | null;
  decidedAt: number;
}

export interface Outsider {
  email: string;
  /** The account the person is in instead; null for a pending access request. */
  accountId: string | null;
  source: 'other-account' | 'access-request';
}

export interface UsageRepository {
  /** Ordered by email. */
  listUsers(accountId: string, filter?: UserFilter): Promise<UserUsage[]>;
  /** Oldest first: the history seats-over-time is rebuilt from. */
  decisionHistory(accountId: string): Promise<DecisionPoint[]>;
  /** Users of these domains in other accounts, and open access requests from them. */
  outsiders(accountId: string, domains: string[]): Promise<Outsider[]>;
}

interface UserLicenseRow {
  id: string;
  email: string;
  name: string | null;
  status: UserStatus;
  license: License | null;
  created_at: number;
  last_active_at: number | null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function usageRepository(knex: Knex): UsageRepository {
  return {
    async listUsers(accountId, filter = {}) {
      const q = knex('users')
        .leftJoin('licenses', 'licenses.user_id', 'users.id')
        .where('users.account_id', accountId)
        .select<UserLicenseRow[]>('users.id', 'users.email', 'users.name', 'users.status', 'licenses.license', 'users.created_at', 'users.last_active_at')
        .orderBy('users.email_lower');
      if (filter.license) q.andWhere('licenses.license', filter.license);
      if (filter.status) q.andWhere('users.status', filter.status);
      if (filter.domain) q.andWhereRaw(`users.email_lower LIKE ? ESCAPE '\\'`, [`%@${escapeLike(filter.domain.toLowerCase())}`]);
      if (filter.activeSince !== undefined) q.andWhere('users.last_active_at', '>=', filter.activeSince);
      if (filter.inactiveSince !== undefined) q.andWhere((w) => w.whereNull('users.last_active_at').orWhere('users.last_active_at', '<', filter.inactiveSince!));
      if (filter.team) q.whereExists(knex('team_memberships').whereRaw('team_memberships.user_id = users.id').andWhere('team_memberships.team_id', filter.team));
      const rows = await q;
      const memberships: { user_id: string; team_id: string }[] = await knex('team_memberships').where({ account_id: accountId }).select('user_id', 'team_id').orderBy('team_id');
      const teams = new Map<string, string[]>();
      for (const m of memberships) teams.set(m.user_id, [...(teams.get(m.user_id) ?? []), m.team_id]);
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        name: r.name,
        status: r.status,
        license: r.license ?? null,
        teams: teams.get(r.id) ?? [],
        createdAt: Number(r.created_at),
        lastActiveAt: r.last_active_at === null ? null : Number(r.last_active_at),
      }));
    },

    async decisionHistory(accountId) {
      const rows: { user_id: string | null; email: string; license: License | null; decided_at: number }[] = await knex('license_decisions')
        .where({ account_id: accountId })
        .select('user_id', 'email', 'license', 'decided_at')
        .orderBy('id');
      return rows.map((r) => ({ userId: r.user_id, email: r.email, license: r.license, decidedAt: Number(r.decided_at) }));
    },

    async outsiders(accountId, domains) {
      if (domains.length === 0) return [];
      const matching = (column: string) => (q: Knex.QueryBuilder) => {
        for (const d of domains) q.orWhereRaw(`${column} LIKE ? ESCAPE '\\'`, [`%@${escapeLike(d.toLowerCase())}`]);
      };
      const elsewhere: { email: string; account_id: string }[] = await knex('users')
        .whereNot({ account_id: accountId })
        .andWhere(matching('email_lower'))
        .select('email', 'account_id')
        .orderBy('email_lower');
      const asking: { email_lower: string }[] = await knex('access_requests').where({ account_id: accountId, status: 'open' }).select('email_lower').orderBy('email_lower');
      return [
        ...elsewhere.map((u): Outsider => ({ email: u.email, accountId: u.account_id, source: 'other-account' })),
        ...asking.map((r): Outsider => ({ email: r.email_lower, accountId: null, source: 'access-request' })),
      ];
    },
  };
}
