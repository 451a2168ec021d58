// Single-use, expiring email sign-up links. Consuming is one DELETE: two
// clicks, on one process or two, cannot both succeed.
import type { Knex } from 'knex';
import { rowsOf } from './shared.js';

export interface SignupToken {
  tokenHash: string;
  email: string;
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

export interface SignupTokensRepository {
  create(token: SignupToken): Promise<void>;
  /** The token's row, removed; null when unknown, used already or expired. */
  consume(tokenHash: string, now: number): Promise<SignupToken | null>;
  /** Whether the token could still be consumed (for the confirmation page; changes nothing). */
  isLive(tokenHash: string, now: number): Promise<boolean>;
  deleteExpired(now: number): Promise<number>;
}

interface SignupTokenRow {
  token_hash: string;
  email: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

export function signupTokensRepository(knex: Knex): SignupTokensRepository {
  const tokens = () => knex<SignupTokenRow>('signup_tokens');
  return {
    async create(t) {
      await tokens().insert({ token_hash: t.tokenHash, email: t.email, return_to: t.returnTo, created_at: t.createdAt, expires_at: t.expiresAt });
    },
    async consume(tokenHash, now) {
      const [row] = rowsOf<SignupTokenRow>(await knex.raw('DELETE FROM signup_tokens WHERE token_hash = ? RETURNING *', [tokenHash]));
      if (!row || row.expires_at <= now) return null;
      return { tokenHash: row.token_hash, email: row.email, returnTo: row.return_to, createdAt: row.created_at, expiresAt: row.expires_at };
    },
    async isLive(tokenHash, now) {
      const row = await tokens().where({ token_hash: tokenHash }).where('expires_at', '>', now).first('token_hash');
      return row !== undefined;
    },
    async deleteExpired(now) {
      return tokens().where('expires_at', '<=', now).delete();
    },
  };
}
