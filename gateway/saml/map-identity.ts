// A verified assertion as the normalized identity the login takes: email from the
// configured attribute or from an emailAddress NameID, the display name and groups.
import type { NormalizedIdentity } from '../identity.js';
import type { SamlConnection } from './connection-config.js';
import { EMAIL_NAME_ID } from './node-saml.js';
import { samlRefusal } from './refusals.js';
import type { VerifiedResponse } from './verify-response.js';

export function toIdentity(c: SamlConnection, r: VerifiedResponse): NormalizedIdentity {
  if (!r.nameId) throw samlRefusal('saml-name-id-missing', 'the assertion has no NameID');
  const first = (name: string | null) => (name ? (r.attributes.get(name)?.[0] ?? null) : null);
  const email = c.emailAttribute ? first(c.emailAttribute) : r.nameIdFormat === EMAIL_NAME_ID ? r.nameId : null;
  const groups = c.groupsAttribute ? (r.attributes.get(c.groupsAttribute) ?? null) : null;
  return {
    protocol: 'saml',
    connectionId: c.id,
    issuer: c.idpEntityId,
    subject: r.nameId,
    email: email ? email.toLowerCase() : null,
    name: first(c.nameAttribute),
    groups,
    saml: { nameId: r.nameId, nameIdFormat: r.nameIdFormat, sessionIndex: r.sessionIndex },
  };
}
