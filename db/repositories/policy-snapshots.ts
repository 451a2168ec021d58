// The applied policy versions' snapshots (JSON), newest last.
import type { Knex } from 'knex';

export interface PolicySnapshotsRepository {
  /** Records that this version was applied, unless it is the latest already. */
  record(policyVersion: string, snapshot: string, now: number): Promise<void>;
  latest(): Promise<{ policyVersion: string; snapshot: string; appliedAt: number } | null>;
  /** What an account's active users hold: how many, per license and per team. */
  holdings(accountId: string): Promise<Holdings>;
}

export interface Holdings {
  users: number;
  byLicense: Record<string, number>;
  byTeam: Record<string, number>;
}

interface SnapshotRow {
  id: number;
  policy_version: string;
  snapshot: string;
  applied_at: number;
}

export function policySnapshotsRepository(knex: Knex): PolicySnapshotsRepository {
  const latest = () => knex<SnapshotRow>('policy_snapshots').orderBy('id', 'desc').first();
  return {
    async record(policyVersion, snapshot, now) {
      if ((await latest())?.policy_version === policyVersion) return;
      await knex<SnapshotRow>('policy_snapshots').insert({ policy_version: policyVersion, snapshot, applied_at: now });
    },
    async latest() {
      const row = await latest();
      return row ? { policyVersion: row.policy_version, snapshot: row.snapshot, appliedAt: Number(row.applied_at) } : null;
    },
    async holdings(accountId) {
      const active = { 'u.account_id': accountId, 'u.status': 'active' };
      const [{ n }] = await knex('users as u').where(active).count({ n: '*' });
      const licenses = await knex('licenses as l').join('users as u', 'u.id', 'l.user_id').where(active).groupBy('l.license').select('l.license as key').count({ n: '*' });
      const teams = await knex('team_memberships as m').join('users as u', 'u.id', 'm.user_id').where(active).groupBy('m.team_id').select('m.team_id as key').count({ n: '*' });
      const tally = (rows: { key: string; n: string | number }[]) => Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
      return { users: Number(n), byLicense: tally(licenses as { key: string; n: number }[]), byTeam: tally(teams as { key: string; n: number }[]) };
    },
  };
}
