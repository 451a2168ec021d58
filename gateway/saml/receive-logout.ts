// Single Logout from the IdP (HTTP-POST binding, as the SP metadata says): a
// LogoutRequest signed by a pinned IdP certificate, from the IdP's entity ID, fresh,
// ends every session of the user its NameID names.
import type { Profile } from '@node-saml/node-saml';
import type { Runtime } from '../runtime.js';
import { revokeUserSessions } from '../session.js';
import { checkSignatures } from './check-signatures.js';
import type { SamlConnection } from './connection-config.js';
import { nodeSaml } from './node-saml.js';
import { parseStrictXml } from './parse-xml.js';
import { fromNodeSamlError, samlRefusal } from './refusals.js';

/** A LogoutRequest older than this (plus the clock skew) is refused even without NotOnOrAfter. */
const MAX_LOGOUT_AGE_MS = 5 * 60_000;

export async function receiveLogout(runtime: Runtime, c: SamlConnection, samlRequest: string, now = Date.now()): Promise<Profile> {
  const doc = parseStrictXml(Buffer.from(samlRequest, 'base64').toString('utf8'));
  checkSignatures(doc, c.allowSha1);
  const issued = Date.parse(doc.documentElement?.getAttribute('IssueInstant') ?? '');
  if (!(Math.abs(now - issued) <= MAX_LOGOUT_AGE_MS + c.clockSkewMs)) throw samlRefusal('saml-logout-expired', `LogoutRequest issued at ${issued}`);
  let profile: Profile | null;
  try {
    ({ profile } = await nodeSaml(c).validatePostRequestAsync({ SAMLRequest: samlRequest }));
  } catch (err) {
    throw fromNodeSamlError(err);
  }
  if (!profile?.nameID) throw samlRefusal('saml-name-id-missing', 'the LogoutRequest names nobody');
  const user = await runtime.repos.users.findByIdentity(c.idpEntityId, profile.nameID);
  const ended = user ? await revokeUserSessions(runtime, user.id) : 0;
  runtime.log.info({ reason: 'saml-logout', connection: c.id, user: user?.id ?? null, sessions: ended }, 'idp logout');
  return profile;
}
