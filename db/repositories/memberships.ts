// Team memberships and where each came from.
import type { Knex } from 'knex';

/** scim-group: the user is a member of a SCIM group mapped to the team. */
export type MembershipSource = 'jit' | 'scim' | 'admin' | 'group' | 'invitation' | 'scim-group';

export interface Membership {
  userId: string;
  accountId: string;
  teamId: string;
  source: MembershipSource;
  createdAt: number;
}

export interface MembershipsRepository {
  /** Adds the membership; false (and nothing changes) when the user is already in the team. */
  add(membership: Membership): Promise<boolean>;
  /** False when the user was not in the team. */
  remove(userId: string, teamId: string): Promise<boolean>;
  /** Ordered by team id. */
  listForUser(userId: string): Promise<Membership[]>;
}

interface MembershipRow {
  user_id: string;
  account_id: string;
  team_id: string;
  source: MembershipSource;
  created_at: number;
}

const toMembership = (r: MembershipRow): Membership => ({
  userId: r.user_id,
  accountId: r.account_id,
  teamId: r.team_id,
  source: r.source,
  createdAt: r.created_at,
});

export function membershipsRepository(knex: Knex): MembershipsRepository {
  return {
    async add(m) {
      const inserted = await knex<MembershipRow>('team_memberships')
        .insert({ user_id: m.userId, account_id: m.accountId, team_id: m.teamId, source: m.source, created_at: m.createdAt })
        .onConflict(['user_id', 'team_id'])
        .ignore()
        .returning('user_id');
      return inserted.length > 0;
    },

    async remove(userId, teamId) {
      return (await knex('team_memberships').where({ user_id: userId, team_id: teamId }).delete()) > 0;
    },

    async listForUser(userId) {
      const rows = await knex<MembershipRow>('team_memberships').where({ user_id: userId }).orderBy('team_id');
      return rows.map(toMembership);
    },
  };
}
