// Single Logout towards the IdP: where `POST /sso/logout` sends the browser after
// ending the local session, when the session came through a SAML connection that
// has an SLO URL. A LogoutRequest over HTTP-Redirect, signed when sign_requests is on.
import type { NormalizedIdentity } from '../identity.js';
import type { Policies } from '../../policies/model.js';
import { samlConnection } from './connection-config.js';
import { nodeSaml } from './node-saml.js';

/** The IdP's logout URL for this SAML login, or null (not SAML, no SLO URL): then logout stays local. */
export async function samlLogoutUrl(policies: Policies, connectionId: string | null, saml: NormalizedIdentity['saml'] | undefined): Promise<string | null> {
  if (!connectionId || !saml || policies.connection(connectionId)?.connection.type !== 'saml') return null;
  const c = await samlConnection(policies, connectionId);
  if (!c.idpSloUrl) return null;
  const profile = { issuer: c.idpEntityId, nameID: saml.nameId, nameIDFormat: saml.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', sessionIndex: saml.sessionIndex ?? undefined };
  return nodeSaml(c).getLogoutUrlAsync(profile, '', {});
}
