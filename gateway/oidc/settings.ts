// One OIDC connection's settings with the defaults applied.
import type { Connection } from '../../policies/schema.js';
import { LoginRefused } from '../login.js';
import type { Runtime } from '../runtime.js';

export type SigningAlg = NonNullable<NonNullable<Connection['oidc']>['id_token_signed_response_alg']>;

export interface OidcSettings {
  connectionId: string;
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string[];
  signingAlg: SigningAlg;
  trustUnverifiedEmail: boolean;
  /** Entra ID multi-tenant: the tenant ids (tid) accepted; null when not restricted. */
  allowedTenants: string[] | null;
  claims: { email: string; name: string; groups: string };
  useUserinfo: boolean;
}

export function oidcSettings(connection: Connection): OidcSettings | undefined {
  const o = connection.oidc;
  if (connection.type !== 'oidc' || !o) return undefined;
  const scopes = o.scopes ?? ['openid', 'email', 'profile'];
  return {
    connectionId: connection.id,
    issuer: o.issuer,
    clientId: o.client_id,
    clientSecret: o.client_secret || undefined,
    scopes: scopes.includes('openid') ? scopes : ['openid', ...scopes],
    signingAlg: o.id_token_signed_response_alg ?? 'RS256',
    trustUnverifiedEmail: o.trust_unverified_email ?? false,
    allowedTenants: o.allowed_tenants ?? null,
    claims: { email: o.email_claim ?? 'email', name: o.name_claim ?? 'name', groups: o.groups_claim ?? 'groups' },
    useUserinfo: o.use_userinfo ?? false,
  };
}

/** The OIDC connection a route names; refuses unknown ids and SAML connections alike. */
export function oidcConnection(runtime: Runtime, id: string): OidcSettings {
  const found = runtime.policies().connection(id);
  const settings = found && oidcSettings(found.connection);
  if (!settings) throw new LoginRefused('oidc-unknown-connection', 'This sign-in method is not configured.', 404, `no oidc connection ${id}`);
  return settings;
}

export const callbackUrl = (publicUrl: string, connectionId: string): string =>
  `${publicUrl}/sso/oidc/${encodeURIComponent(connectionId)}/callback`;
