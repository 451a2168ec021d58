// Entra ID multi-tenant issuers (https://login.microsoftonline.com/{tenantid}/v2.0):
// openid-client builds the expected issuer from the token's own tid, so any tenant's
// token would pass. Only the tenants the connection lists are accepted.
import type { IDToken } from 'openid-client';
import { LoginRefused } from '../login.js';
import type { OidcSettings } from './settings.js';

export function checkTenant(settings: OidcSettings, discoveredIssuer: string, idToken: IDToken): void {
  const multiTenant = discoveredIssuer.includes('{tenantid}');
  if (!multiTenant && !settings.allowedTenants) return;
  const tid = typeof idToken.tid === 'string' ? idToken.tid : undefined;
  if (!settings.allowedTenants) {
    throw new LoginRefused('oidc-tenant-not-allowed', 'Your organisation is not allowed to sign in here.', 403, `multi-tenant issuer without allowed_tenants (tid ${tid})`);
  }
  if (!tid || !settings.allowedTenants.includes(tid)) {
    throw new LoginRefused('oidc-tenant-not-allowed', 'Your organisation is not allowed to sign in here.', 403, `tenant ${tid ?? '(none)'} is not in allowed_tenants`);
  }
}
