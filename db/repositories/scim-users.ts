// SCIM users: the resource an IdP keeps for a Doorman user at one connection,
// its filterable attributes as columns and its emails in a side table.
import type { Knex } from 'knex';
import { compileFilter, USER_FILTER, type ScimFilter } from './scim-filter.js';
import { countOf, engineOf, uniqueGuarded, type DbBoolean } from './shared.js';

export interface ScimEmail {
  value: string;
  type: string | null;
  primary: boolean;
}

/** What a SCIM user's columns hold, derived from its resource on every write. */
export interface ScimUserFields {
  externalId: string | null;
  userName: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  formattedName: string | null;
  title: string | null;
  department: string | null;
  employeeNumber: string | null;
  managerId: string | null;
  emails: ScimEmail[];
  /** The resource as written, without id, meta and active. */
  resource: Record<string, unknown>;
}

export interface NewScimUser {
  id: string;
  userId: string;
  connectionId: string;
  accountId: string;
  fields: ScimUserFields;
  createdAt: number;
}

export interface ScimUser {
  id: string;
  userId: string;
  connectionId: string;
  accountId: string;
  userName: string;
  externalId: string | null;
  resource: Record<string, unknown>;
  /** The Doorman user's status is active. */
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Page {
  offset: number;
  limit: number;
}

export interface ScimUsersRepository {
  /** Throws UniqueViolation when the userName (any case) is taken at the connection, or the user has a SCIM resource already. */
  create(user: NewScimUser): Promise<void>;
  get(connectionId: string, id: string): Promise<ScimUser | null>;
  findByUserId(userId: string): Promise<ScimUser | null>;
  /** Throws UniqueViolation when the new userName is taken. */
  update(id: string, fields: ScimUserFields, now: number): Promise<void>;
  /** Ordered by creation, then id. Throws FilterNotSupported for a filter it cannot compile. */
  list(connectionId: string, filter: ScimFilter | null, page: Page): Promise<{ total: number; users: ScimUser[] }>;
  /** SCIM id -> Doorman user id, for those of `ids` that are users of the connection. */
  userIds(connectionId: string, ids: readonly string[]): Promise<Map<string, string>>;
}

interface Row {
  id: string;
  user_id: string;
  connection_id: string;
  account_id: string;
  user_name: string;
  external_id: string | null;
  resource: string;
  status: string;
  created_at: number | string;
  updated_at: number | string;
}

const toScimUser = (r: Row): ScimUser => ({
  id: r.id,
  userId: r.user_id,
  connectionId: r.connection_id,
  accountId: r.account_id,
  userName: r.user_name,
  externalId: r.external_id,
  resource: JSON.parse(r.resource) as Record<string, unknown>,
  active: r.status === 'active',
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The user `create` wrote, as `get` reads it back: its Doorman user active or not. */
export const writtenScimUser = (u: NewScimUser, active: boolean): ScimUser =>
  toScimUser({
    id: u.id,
    user_id: u.userId,
    connection_id: u.connectionId,
    account_id: u.accountId,
    user_name: u.fields.userName,
    external_id: u.fields.externalId,
    resource: JSON.stringify(u.fields.resource),
    status: active ? 'active' : 'deactivated',
    created_at: u.createdAt,
    updated_at: u.createdAt,
  });

const columns = (f: ScimUserFields) => ({
  external_id: f.externalId,
  user_name: f.userName,
  display_name: f.displayName,
  given_name: f.givenName,
  family_name: f.familyName,
  formatted_name: f.formattedName,
  title: f.title,
  department: f.department,
  employee_number: f.employeeNumber,
  manager_id: f.managerId,
  resource: JSON.stringify(f.resource),
});

const emailRows = (id: string, emails: ScimEmail[]) =>
  emails.map((e, position): { scim_id: string; position: number; value: string; type: string | null; is_primary: DbBoolean } => ({
    scim_id: id,
    position,
    value: e.value,
    type: e.type,
    is_primary: e.primary,
  }));

export function scimUsersRepository(knex: Knex): ScimUsersRepository {
  const joined = (k: Knex = knex) => k('scim_users as s').join('users as u', 'u.id', 's.user_id');
  const select = ['s.id', 's.user_id', 's.connection_id', 's.account_id', 's.user_name', 's.external_id', 's.resource', 'u.status', 's.created_at', 's.updated_at'];
  const one = async (where: Record<string, string>) => {
    const row = (await joined().where(where).first<Row | undefined>(select));
    return row ? toScimUser(row) : null;
  };
  const insertEmails = async (k: Knex, id: string, emails: ScimEmail[]) => {
    if (emails.length) await k('scim_user_emails').insert(emailRows(id, emails));
  };

  return {
    async create(u) {
      // A new resource has no emails to replace; its emails (keyed by the new id) cannot clash.
      await uniqueGuarded(knex, async (k) => {
        await k('scim_users').insert({
          id: u.id,
          user_id: u.userId,
          connection_id: u.connectionId,
          account_id: u.accountId,
          ...columns(u.fields),
          created_at: u.createdAt,
          updated_at: u.createdAt,
        });
        await insertEmails(k, u.id, u.fields.emails);
      }, { clashesOnlyInFirstStatement: true });
    },

    get: (connectionId, id) => one({ 's.connection_id': connectionId, 's.id': id }),

    findByUserId: (userId) => one({ 's.user_id': userId }),

    async update(id, fields, now) {
      await uniqueGuarded(knex, async (k) => {
        await k('scim_users').where({ id }).update({ ...columns(fields), updated_at: now });
        await k('scim_user_emails').where({ scim_id: id }).delete();
        await insertEmails(k, id, fields.emails);
      });
    },

    async list(connectionId, filter, page) {
      const query = joined().where('s.connection_id', connectionId);
      if (filter) {
        const compiled = compileFilter(filter, USER_FILTER, engineOf(knex));
        query.andWhereRaw(compiled.sql, compiled.bindings);
      }
      const rows = page.limit > 0 ? await query.clone().select<Row[]>(select).orderBy([{ column: 's.created_at' }, { column: 's.id' }]).offset(page.offset).limit(page.limit) : [];
      // A page that is not full and not past the end holds the last matches: they need no count.
      const last = rows.length < page.limit && (rows.length > 0 || page.offset === 0);
      const total = last ? page.offset + rows.length : countOf(await query.count({ n: '*' }).first());
      return { total, users: rows.map(toScimUser) };
    },

    async userIds(connectionId, ids) {
      const result = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await knex('scim_users').where({ connection_id: connectionId }).whereIn('id', ids.slice(i, i + 500)).select<{ id: string; user_id: string }[]>('id', 'user_id');
        for (const r of rows) result.set(r.id, r.user_id);
      }
      return result;
    },
  };
}
