// Identities: a user's login at a connection, keyed by the IdP's issuer + subject (never by email).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { uniqueGuardedStatement } from './shared.js';

export interface Identity {
  id: string;
  userId: string;
  connectionId: string;
  issuer: string;
  subject: string;
  createdAt: number;
}

export type NewIdentity = Omit<Identity, 'id'>;

export interface IdentitiesRepository {
  /** Throws UniqueViolation when issuer + subject already belong to a user. */
  create(identity: NewIdentity): Promise<Identity>;
  listForUser(userId: string): Promise<Identity[]>;
}

interface IdentityRow {
  id: string;
  user_id: string;
  connection_id: string;
  issuer: string;
  subject: string;
  created_at: number;
}

const toIdentity = (r: IdentityRow): Identity => ({
  id: r.id,
  userId: r.user_id,
  connectionId: r.connection_id,
  issuer: r.issuer,
  subject: r.subject,
  createdAt: r.created_at,
});

export function identitiesRepository(knex: Knex): IdentitiesRepository {
  return {
    async create(i) {
      const row: IdentityRow = {
        id: randomUUID(),
        user_id: i.userId,
        connection_id: i.connectionId,
        issuer: i.issuer,
        subject: i.subject,
        created_at: i.createdAt,
      };
      await uniqueGuardedStatement(knex, async (k) => k('identities').insert(row));
      return toIdentity(row);
    },

    async listForUser(userId) {
      const rows = await knex<IdentityRow>('identities').where({ user_id: userId }).orderBy('created_at');
      return rows.map(toIdentity);
    },
  };
}
