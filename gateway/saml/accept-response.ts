// What the database decides about a verified response: the AuthnRequest it answers
// is consumed (once, on any gateway process), or, unsolicited, the connection must
// allow IdP-initiated login; either way the assertion ID is claimed until it expires,
// so the same assertion never signs anyone in twice.
import { safeReturnTo } from '../login.js';
import type { Runtime } from '../runtime.js';
import type { SamlConnection } from './connection-config.js';
import { samlRefusal } from './refusals.js';
import type { VerifiedResponse } from './verify-response.js';

/** Where the login lands: the stored return_to, or the RelayState of an IdP-initiated login. */
export async function acceptResponse(runtime: Runtime, c: SamlConnection, r: VerifiedResponse, relayState: string | null, now = Date.now()): Promise<string> {
  if (!r.inResponseTo && !c.idpInitiated) throw samlRefusal('saml-unsolicited-refused', `connection ${c.id} does not allow IdP-initiated login`);
  const fresh = await runtime.repos.saml.claimAssertion(c.id, r.id, Math.max(r.notOnOrAfter ?? now, now) + c.clockSkewMs);
  if (!fresh) throw samlRefusal('saml-assertion-replayed', `assertion ${r.id} was used before`);
  if (!r.inResponseTo) return safeReturnTo(relayState, runtime.policies().gateway.publicUrl);
  const request = await runtime.repos.saml.consumeRequest(r.inResponseTo, c.id, now);
  if (!request) throw samlRefusal('saml-unknown-in-response-to', `InResponseTo ${r.inResponseTo} is unknown, expired or used`);
  return request.returnTo;
}
