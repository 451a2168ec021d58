// Claims -> the normalized identity the SAML path produces too. The user is keyed by
// issuer + subject; the email counts only when the provider says it is verified.
import type { IDToken, UserInfoResponse } from 'openid-client';
import type { NormalizedIdentity } from '../identity.js';
import type { OidcSettings } from './settings.js';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

const strings = (value: unknown): string[] | null =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : null;

/** Some providers send "true" as a string. Anything else is not verified. */
const isVerified = (value: unknown): boolean => value === true || value === 'true';

export function identityFromClaims(settings: OidcSettings, idToken: IDToken, userinfo: UserInfoResponse | undefined): NormalizedIdentity {
  // Userinfo (already checked to be about the same sub) wins over the ID token, except iss and sub.
  const claims: Record<string, unknown> = { ...idToken, ...userinfo };
  const email = text(claims[settings.claims.email]);
  const trusted = settings.trustUnverifiedEmail || isVerified(claims.email_verified);
  return {
    protocol: 'oidc',
    connectionId: settings.connectionId,
    issuer: idToken.iss,
    subject: idToken.sub,
    email: email && trusted ? email.toLowerCase() : null,
    name: text(claims[settings.claims.name]),
    groups: strings(claims[settings.claims.groups]),
  };
}
