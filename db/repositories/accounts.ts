// Accounts, teams and seat totals, as synced from the policy files.
import type { Knex } from 'knex';
import { inTransaction, type DbBoolean } from './shared.js';

export type Program = 'standard' | 'flexible';
export type DefaultLicense = 'free' | 'free_restricted';

export interface Account {
  id: string;
  name: string;
  program: Program;
  defaultLicense: DefaultLicense | null;
  policyVersion: string;
  updatedAt: number;
}

export interface Team {
  accountId: string;
  id: string;
  name: string;
  isDefault: boolean;
}

/** One account as the policy files describe it. */
export interface AccountSnapshot {
  id: string;
  name: string;
  program: Program;
  defaultLicense: DefaultLicense | null;
  seatsFull: number;
  teams: { id: string; name: string; isDefault: boolean }[];
}

export interface AccountsRepository {
  /**
   * Upserts the accounts and their teams and sets each account's Full seat total, in one transaction.
   * A team missing from its snapshot is deleted unless a membership refers to it; such a team is
   * kept (no longer default). Seat usage is never touched; accounts missing from `snapshots` stay.
   */
  sync(snapshots: readonly AccountSnapshot[], policyVersion: string, now: number): Promise<void>;
  get(id: string): Promise<Account | null>;
  listTeams(accountId: string): Promise<Team[]>;
}

interface AccountRow {
  id: string;
  name: string;
  program: Program;
  default_license: DefaultLicense | null;
  policy_version: string;
  updated_at: number;
}

interface TeamRow {
  account_id: string;
  id: string;
  name: string;
  is_default: DbBoolean;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  name: r.name,
  program: r.program,
  defaultLicense: r.default_license,
  policyVersion: r.policy_version,
  updatedAt: r.updated_at,
});

const toTeam = (r: TeamRow): Team => ({ accountId: r.account_id, id: r.id, name: r.name, isDefault: Boolean(r.is_default) });

async function syncOne(trx: Knex, s: AccountSnapshot, policyVersion: string, now: number): Promise<void> {
  await trx<AccountRow>('accounts')
    .insert({ id: s.id, name: s.name, program: s.program, default_license: s.defaultLicense, policy_version: policyVersion, updated_at: now })
    .onConflict('id')
    .merge(['name', 'program', 'default_license', 'policy_version', 'updated_at']);

  if (s.teams.length > 0) {
    await trx<TeamRow>('teams')
      .insert(s.teams.map((t) => ({ account_id: s.id, id: t.id, name: t.name, is_default: t.isDefault })))
      .onConflict(['account_id', 'id'])
      .merge(['name', 'is_default']);
  }
  const current = s.teams.map((t) => t.id);
  await trx('teams')
    .where('account_id', s.id)
    .whereNotIn('id', current)
    .whereNotExists((q) =>
      q
        .select('m.team_id')
        .from('team_memberships as m')
        .where('m.account_id', trx.ref('teams.account_id'))
        .andWhere('m.team_id', trx.ref('teams.id')),
    )
    .delete();
  await trx('teams').where('account_id', s.id).whereNotIn('id', current).update({ is_default: false });

  await trx('seat_counters')
    .insert({ account_id: s.id, license: 'full', total: s.seatsFull, used: 0 })
    .onConflict(['account_id', 'license'])
    .merge(['total']);
}

export function accountsRepository(knex: Knex): AccountsRepository {
  return {
    sync: (snapshots, policyVersion, now) =>
      inTransaction(knex, async (trx) => {
        for (const s of snapshots) await syncOne(trx, s, policyVersion, now);
      }),

    async get(id) {
      const row = await knex<AccountRow>('accounts').where({ id }).first();
      return row ? toAccount(row) : null;
    },

    async listTeams(accountId) {
      const rows = await knex<TeamRow>('teams').where({ account_id: accountId }).orderBy('id');
      return rows.map(toTeam);
    },
  };
}
