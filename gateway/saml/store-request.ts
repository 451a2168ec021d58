// node-saml hands each AuthnRequest ID it generates to a cache provider: this one
// writes it to the database with the login's return_to, so any gateway process can
// finish the login. The ACS consumes it (db/repositories/saml.ts), not node-saml.
import type { CacheProvider } from '@node-saml/node-saml';
import type { Runtime } from '../runtime.js';

/** How long an AuthnRequest may wait for its answer. */
const REQUEST_TTL_MS = 10 * 60_000;

export function requestStore(runtime: Runtime, connectionId: string, returnTo: string, now = Date.now()): CacheProvider {
  return {
    async saveAsync(id, value) {
      await runtime.repos.saml.saveRequest({ id, connectionId, returnTo, createdAt: now, expiresAt: now + REQUEST_TTL_MS });
      return { value, createdAt: now };
    },
    getAsync: async () => null,
    removeAsync: async () => null,
  };
}
