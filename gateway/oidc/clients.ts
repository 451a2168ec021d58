// openid-client configurations, one per connection, from discovery. Cached while
// the connection's settings stay the same; a failed discovery is retried next time.
import * as client from 'openid-client';
import { LoginRefused } from '../login.js';
import type { OidcSettings } from './settings.js';

export interface OidcClients {
  get(settings: OidcSettings): Promise<client.Configuration>;
}

/** Plain HTTP is accepted only for a provider on this machine (development, tests, the demo). */
const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

async function discover(s: OidcSettings): Promise<client.Configuration> {
  const issuer = new URL(s.issuer);
  const metadata: Partial<client.ClientMetadata> = { id_token_signed_response_alg: s.signingAlg };
  const auth = s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None();
  // Without enableNonRepudiationChecks openid-client trusts the TLS channel and skips the
  // ID token signature; Doorman always verifies it against the provider's JWKS.
  const execute = issuer.protocol === 'http:' && isLoopback(issuer)
    ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
    : [client.enableNonRepudiationChecks];
  return client.discovery(issuer, s.clientId, metadata, auth, { execute, timeout: 10 });
}

export function oidcClients(): OidcClients {
  const cache = new Map<string, { key: string; config: Promise<client.Configuration> }>();
  return {
    async get(settings) {
      const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret, settings.signingAlg]);
      let entry = cache.get(settings.connectionId);
      if (!entry || entry.key !== key) {
        entry = { key, config: discover(settings) };
        cache.set(settings.connectionId, entry);
      }
      try {
        return await entry.config;
      } catch (err) {
        if (cache.get(settings.connectionId) === entry) cache.delete(settings.connectionId);
        throw new LoginRefused('oidc-discovery-failed', 'Your identity provider cannot be reached right now. Try again in a moment.', 502, `${settings.issuer}: ${(err as Error).message}`);
      }
    },
  };
}
