// SAML state shared by every gateway process: outstanding AuthnRequest IDs and the
// assertion replay cache. Both are consumed or claimed by one statement, so two
// processes racing on the same ID cannot both win.
import type { Knex } from 'knex';
import { UniqueViolation } from '../errors.js';
import { rowsOf, uniqueGuardedStatement } from './shared.js';

export interface SamlRequest {
  id: string;
  connectionId: string;
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

export interface SamlRepository {
  saveRequest(request: SamlRequest): Promise<void>;
  /** Deletes the request and returns it, once: null when unknown, of another connection, expired or already used. */
  consumeRequest(id: string, connectionId: string, now: number): Promise<SamlRequest | null>;
  /** Claims an assertion ID until expiresAt; false when it was seen already (a replay). */
  claimAssertion(connectionId: string, assertionId: string, expiresAt: number): Promise<boolean>;
  /** Forgets expired request IDs and assertion IDs; returns how many rows went. */
  deleteExpired(now: number): Promise<number>;
}

interface RequestRow {
  id: string;
  connection_id: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

const toRequest = (r: RequestRow): SamlRequest => ({
  id: r.id,
  connectionId: r.connection_id,
  returnTo: r.return_to,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

export function samlRepository(knex: Knex): SamlRepository {
  const requests = (k: Knex = knex) => k<RequestRow>('saml_requests');
  const seen = (k: Knex = knex) => k('saml_assertions_seen');
  return {
    async saveRequest(r) {
      await requests().insert({ id: r.id, connection_id: r.connectionId, return_to: r.returnTo, created_at: r.createdAt, expires_at: r.expiresAt });
    },

    async consumeRequest(id, connectionId, now) {
      // One DELETE decides: of two processes racing, only one gets the row back.
      const [row] = rowsOf<RequestRow>(await knex.raw('DELETE FROM saml_requests WHERE id = ? AND connection_id = ? RETURNING *', [id, connectionId]));
      return row && Number(row.expires_at) > now ? toRequest(row) : null;
    },

    async claimAssertion(connectionId, assertionId, expiresAt) {
      try {
        await uniqueGuardedStatement(knex, (k) => seen(k).insert({ connection_id: connectionId, assertion_id: assertionId, expires_at: expiresAt }));
        return true;
      } catch (err) {
        if (err instanceof UniqueViolation) return false;
        throw err;
      }
    },

    async deleteExpired(now) {
      const a = await requests().where('expires_at', '<=', now).delete();
      const b = await seen().where('expires_at', '<=', now).delete();
      return a + b;
    },
  };
}
