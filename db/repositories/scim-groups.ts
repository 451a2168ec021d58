// SCIM groups of a connection and their members (SCIM users of the same connection).
import type { Knex } from 'knex';
import { compileFilter, GROUP_FILTER, type ScimFilter } from './scim-filter.js';
import type { Page } from './scim-users.js';
import { countOf, engineOf, uniqueGuardedStatement } from './shared.js';

export interface ScimGroup {
  id: string;
  connectionId: string;
  accountId: string;
  displayName: string;
  externalId: string | null;
  /** The team the group gives its members; null for a group that maps to no team. */
  teamId: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewScimGroup = Omit<ScimGroup, 'updatedAt'>;

export interface ScimGroupMember {
  /** The SCIM user's id. */
  value: string;
  userId: string;
  display: string;
}

export interface ScimGroupChange {
  displayName: string;
  externalId: string | null;
  teamId: string | null;
}

export interface ScimGroupsRepository {
  /** Throws UniqueViolation when the displayName (any case) is taken at the connection. */
  create(group: NewScimGroup): Promise<void>;
  get(connectionId: string, id: string): Promise<ScimGroup | null>;
  /** Throws UniqueViolation when the new displayName is taken. */
  update(id: string, change: ScimGroupChange, now: number): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Ordered by creation, then id. Throws FilterNotSupported for a filter it cannot compile. */
  list(connectionId: string, filter: ScimFilter | null, page: Page): Promise<{ total: number; groups: ScimGroup[] }>;
  /** The members of each group, ordered by SCIM id. */
  members(groupIds: readonly string[]): Promise<Map<string, ScimGroupMember[]>>;
  addMembers(groupId: string, scimIds: readonly string[]): Promise<void>;
  removeMembers(groupId: string, scimIds: readonly string[]): Promise<void>;
  /** For each Doorman user, the teams its SCIM groups give it. */
  teamsOfUsers(userIds: readonly string[]): Promise<Map<string, Set<string>>>;
}

interface Row {
  id: string;
  connection_id: string;
  account_id: string;
  display_name: string;
  external_id: string | null;
  team_id: string | null;
  created_at: number | string;
  updated_at: number | string;
}

const toGroup = (r: Row): ScimGroup => ({
  id: r.id,
  connectionId: r.connection_id,
  accountId: r.account_id,
  displayName: r.display_name,
  externalId: r.external_id,
  teamId: r.team_id,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Keeps IN lists well below every engine's bound-parameter limit. */
const CHUNK = 500;
const chunks = <T>(items: readonly T[]): T[][] => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

export function scimGroupsRepository(knex: Knex): ScimGroupsRepository {
  return {
    async create(g) {
      await uniqueGuardedStatement(knex, async (k) =>
        k('scim_groups').insert({
          id: g.id,
          connection_id: g.connectionId,
          account_id: g.accountId,
          display_name: g.displayName,
          external_id: g.externalId,
          team_id: g.teamId,
          created_at: g.createdAt,
          updated_at: g.createdAt,
        }),
      );
    },

    async get(connectionId, id) {
      const row = await knex<Row>('scim_groups').where({ connection_id: connectionId, id }).first();
      return row ? toGroup(row) : null;
    },

    async update(id, change, now) {
      await uniqueGuardedStatement(knex, async (k) =>
        k('scim_groups').where({ id }).update({ display_name: change.displayName, external_id: change.externalId, team_id: change.teamId, updated_at: now }),
      );
    },

    async delete(id) {
      return (await knex('scim_groups').where({ id }).delete()) > 0;
    },

    async list(connectionId, filter, page) {
      const query = knex('scim_groups as g').where('g.connection_id', connectionId);
      if (filter) {
        const compiled = compileFilter(filter, GROUP_FILTER, engineOf(knex));
        query.andWhereRaw(compiled.sql, compiled.bindings);
      }
      const total = countOf(await query.clone().count({ n: '*' }).first());
      const rows = page.limit > 0 ? await query.select<Row[]>('g.*').orderBy([{ column: 'g.created_at' }, { column: 'g.id' }]).offset(page.offset).limit(page.limit) : [];
      return { total, groups: rows.map(toGroup) };
    },

    async members(groupIds) {
      const result = new Map<string, ScimGroupMember[]>(groupIds.map((id) => [id, []]));
      for (const ids of chunks(groupIds)) {
        const rows = await knex('scim_group_members as m')
          .join('scim_users as s', 's.id', 'm.scim_id')
          .whereIn('m.group_id', ids)
          .orderBy('m.scim_id')
          .select<{ group_id: string; scim_id: string; user_id: string; display_name: string | null; user_name: string }[]>('m.group_id', 'm.scim_id', 's.user_id', 's.display_name', 's.user_name');
        for (const r of rows) result.get(r.group_id)?.push({ value: r.scim_id, userId: r.user_id, display: r.display_name ?? r.user_name });
      }
      return result;
    },

    async addMembers(groupId, scimIds) {
      for (const ids of chunks(scimIds)) {
        await knex('scim_group_members')
          .insert(ids.map((scim_id) => ({ group_id: groupId, scim_id })))
          .onConflict(['group_id', 'scim_id'])
          .ignore();
      }
    },

    async removeMembers(groupId, scimIds) {
      for (const ids of chunks(scimIds)) await knex('scim_group_members').where({ group_id: groupId }).whereIn('scim_id', ids).delete();
    },

    async teamsOfUsers(userIds) {
      const result = new Map<string, Set<string>>(userIds.map((id) => [id, new Set<string>()]));
      for (const ids of chunks(userIds)) {
        const rows = await knex('scim_group_members as m')
          .join('scim_groups as g', 'g.id', 'm.group_id')
          .join('scim_users as s', 's.id', 'm.scim_id')
          .whereIn('s.user_id', ids)
          .whereNotNull('g.team_id')
          .select<{ user_id: string; team_id: string }[]>('s.user_id', 'g.team_id');
        for (const r of rows) result.get(r.user_id)?.add(r.team_id);
      }
      return result;
    },
  };
}
