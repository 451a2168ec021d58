// The ACS checks, in order: the XML itself, then node-saml (signature by a pinned
// certificate, signed assertion/response as configured, time, audience), then what
// node-saml leaves to the caller: Destination, Recipient, Issuer, InResponseTo
// consistency, duplicate attributes. Reads nothing from unverified XML but the envelope.
import type { Profile } from '@node-saml/node-saml';
import type { SamlConnection } from './connection-config.js';
import { checkSignatures } from './check-signatures.js';
import { nodeSaml } from './node-saml.js';
import { parseStrictXml } from './parse-xml.js';
import { readAssertion, readEnvelope, type AssertionFacts } from './read-assertion.js';
import { fromNodeSamlError, samlRefusal } from './refusals.js';

export interface VerifiedResponse extends AssertionFacts {
  /** The AuthnRequest it answers; null when unsolicited (IdP-initiated). */
  inResponseTo: string | null;
}

export async function verifyResponse(c: SamlConnection, samlResponse: string): Promise<VerifiedResponse> {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(samlResponse)) throw samlRefusal('saml-malformed-xml', 'SAMLResponse is not base64', 400);
  const doc = parseStrictXml(Buffer.from(samlResponse, 'base64').toString('utf8'));
  checkSignatures(doc, c.allowSha1);
  const envelope = readEnvelope(doc);

  let profile: Profile | null;
  try {
    ({ profile } = await nodeSaml(c).validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (err) {
    throw fromNodeSamlError(err);
  }
  const assertionXml = profile?.getAssertionXml?.();
  if (!assertionXml) throw samlRefusal('saml-assertion-missing', 'the Response carries no assertion');
  // The verified assertion (decrypted when it was encrypted): its signatures pass the same allow-list.
  const assertionDoc = parseStrictXml(assertionXml);
  checkSignatures(assertionDoc, c.allowSha1);
  const facts = readAssertion(assertionDoc);

  if (envelope.destination !== c.acsUrl) throw samlRefusal('saml-destination-mismatch', `Destination ${envelope.destination} is not ${c.acsUrl}`);
  if (facts.recipient !== c.acsUrl) throw samlRefusal('saml-recipient-mismatch', `Recipient ${facts.recipient} is not ${c.acsUrl}`);
  if (facts.issuer !== c.idpEntityId) throw samlRefusal('saml-issuer-mismatch', `assertion Issuer ${facts.issuer} is not ${c.idpEntityId}`);
  if (envelope.issuer !== null && envelope.issuer !== c.idpEntityId) {
    throw samlRefusal('saml-issuer-mismatch', `Response Issuer ${envelope.issuer} is not ${c.idpEntityId}`);
  }
  if (!facts.id) throw samlRefusal('saml-assertion-id-missing', 'the assertion has no ID');
  if (facts.notOnOrAfter === null) throw samlRefusal('saml-expiry-missing', 'the assertion has no NotOnOrAfter');
  // The signed InResponseTo decides; an unsigned envelope may not claim another request.
  if (envelope.inResponseTo !== null && envelope.inResponseTo !== facts.inResponseTo) {
    throw samlRefusal('saml-in-response-to-mismatch', 'Response InResponseTo differs from the assertion');
  }
  return facts;
}
