// OIDC logins in flight. The key is the SHA-256 of the state; each is consumed
// exactly once, by whichever gateway process receives the callback.
import type { Knex } from 'knex';
import { rowsOf } from './shared.js';

export interface PendingOidcLogin {
  stateHash: string;
  connectionId: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  loginHint: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface OidcLoginsRepository {
  create(login: PendingOidcLogin): Promise<void>;
  /**
   * Takes the login out: the one caller whose DELETE removed the row gets it; a replay,
   * a concurrent second callback or an expired login gets null.
   */
  consume(stateHash: string, now: number): Promise<PendingOidcLogin | null>;
  /** Removes abandoned logins; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

interface OidcLoginRow {
  state_hash: string;
  connection_id: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  login_hint: string | null;
  created_at: number;
  expires_at: number;
}

const toLogin = (r: OidcLoginRow): PendingOidcLogin => ({
  stateHash: r.state_hash,
  connectionId: r.connection_id,
  nonce: r.nonce,
  codeVerifier: r.code_verifier,
  returnTo: r.return_to,
  loginHint: r.login_hint,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

export function oidcLoginsRepository(knex: Knex): OidcLoginsRepository {
  const logins = () => knex<OidcLoginRow>('oidc_logins');
  return {
    async create(l) {
      await logins().insert({
        state_hash: l.stateHash,
        connection_id: l.connectionId,
        nonce: l.nonce,
        code_verifier: l.codeVerifier,
        return_to: l.returnTo,
        login_hint: l.loginHint,
        created_at: l.createdAt,
        expires_at: l.expiresAt,
      });
    },

    async consume(stateHash, now) {
      // One DELETE decides: of two concurrent callbacks only one gets the row back.
      const [row] = rowsOf<OidcLoginRow>(await knex.raw('DELETE FROM oidc_logins WHERE state_hash = ? RETURNING *', [stateHash]));
      return row && Number(row.expires_at) > now ? toLogin(row) : null;
    },

    async deleteExpired(now) {
      return logins().where('expires_at', '<=', now).delete();
    },
  };
}
