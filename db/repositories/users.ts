// Users. One user per email per account, compared case-insensitively (email_lower).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { countOf, uniqueGuardedStatement, type DbBoolean } from './shared.js';

export type UserStatus = 'active' | 'deactivated' | 'pending_approval';

export interface User {
  id: string;
  accountId: string;
  email: string;
  name: string | null;
  status: UserStatus;
  /** Set for users captured by an auto_join_exclusive domain. */
  restricted: boolean;
  createdAt: number;
  updatedAt: number;
  lastActiveAt: number | null;
}

export interface NewUser {
  accountId: string;
  email: string;
  name?: string | null;
  status: UserStatus;
  restricted?: boolean;
  createdAt: number;
}

export interface ProfileChange {
  email?: string;
  name?: string | null;
}

export interface UsersRepository {
  /** Throws UniqueViolation when the account already has a user with this email (any case). */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  findByEmail(accountId: string, email: string): Promise<User | null>;
  /** The user who logs in as `subject` at `issuer` (see identities). */
  findByIdentity(issuer: string, subject: string): Promise<User | null>;
  /** Throws UniqueViolation when the new email is taken in the account. False when no such user. */
  updateProfile(id: string, change: ProfileChange, now: number): Promise<boolean>;
  setStatus(id: string, status: UserStatus, now: number): Promise<boolean>;
  touchActivity(id: string, now: number): Promise<boolean>;
  /** Ordered by email. */
  listByAccount(accountId: string): Promise<User[]>;
  countByAccount(accountId: string, status?: UserStatus): Promise<number>;
  /** Removes the user with identities, memberships, license and sessions; false when none. */
  delete(id: string): Promise<boolean>;
}

interface UserRow {
  id: string;
  account_id: string;
  email: string;
  email_lower: string;
  name: string | null;
  status: UserStatus;
  restricted: DbBoolean;
  created_at: number;
  updated_at: number;
  last_active_at: number | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  accountId: r.account_id,
  email: r.email,
  name: r.name,
  status: r.status,
  restricted: Boolean(r.restricted),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastActiveAt: r.last_active_at,
});

const lower = (email: string) => email.toLowerCase();

export function usersRepository(knex: Knex): UsersRepository {
  const users = () => knex<UserRow>('users');
  const one = async (query: Promise<UserRow | undefined>) => {
    const row = await query;
    return row ? toUser(row) : null;
  };

  return {
    async create(u) {
      const row: UserRow = {
        id: randomUUID(),
        account_id: u.accountId,
        email: u.email,
        email_lower: lower(u.email),
        name: u.name ?? null,
        status: u.status,
        restricted: u.restricted ?? false,
        created_at: u.createdAt,
        updated_at: u.createdAt,
        last_active_at: null,
      };
      await uniqueGuardedStatement(knex, async (k) => k('users').insert(row));
      return toUser(row);
    },

    findById: (id) => one(users().where({ id }).first()),

    findByEmail: (accountId, email) => one(users().where({ account_id: accountId, email_lower: lower(email) }).first()),

    findByIdentity: (issuer, subject) =>
      one(
        users()
          .join('identities', 'identities.user_id', 'users.id')
          .where({ 'identities.issuer': issuer, 'identities.subject': subject })
          .first<UserRow | undefined>('users.*'),
      ),

    async updateProfile(id, change, now) {
      const set: Partial<UserRow> = { updated_at: now };
      if (change.email !== undefined) Object.assign(set, { email: change.email, email_lower: lower(change.email) });
      if (change.name !== undefined) set.name = change.name;
      const changed = await uniqueGuardedStatement(knex, async (k) => k<UserRow>('users').where({ id }).update(set));
      return changed > 0;
    },

    async setStatus(id, status, now) {
      return (await users().where({ id }).update({ status, updated_at: now })) > 0;
    },

    async touchActivity(id, now) {
      return (await users().where({ id }).update({ last_active_at: now })) > 0;
    },

    async listByAccount(accountId) {
      const rows = await users().where({ account_id: accountId }).orderBy('email_lower');
      return rows.map(toUser);
    },

    async countByAccount(accountId, status) {
      const q = users().where({ account_id: accountId });
      if (status) q.andWhere({ status });
      return countOf(await q.count({ n: '*' }).first());
    },

    async delete(id) {
      return (await users().where({ id }).delete()) > 0;
    },
  };
}
