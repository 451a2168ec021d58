// The facts the gateway checks itself, read from the Response envelope and from the
// assertion node-saml verified (never from the unverified copy in the Response).
import type { Document, Element } from '@xmldom/xmldom';
import { samlRefusal } from './refusals.js';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';

export interface ResponseEnvelope {
  destination: string | null;
  inResponseTo: string | null;
  issuer: string | null;
}

export interface AssertionFacts {
  id: string;
  issuer: string | null;
  nameId: string | null;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  /** Bearer SubjectConfirmationData. */
  recipient: string | null;
  inResponseTo: string | null;
  /** The earliest NotOnOrAfter of the assertion (ms): the replay cache keeps the ID until then. */
  notOnOrAfter: number | null;
  attributes: Map<string, string[]>;
}

const childrenOf = (parent: Element, ns: string, tag: string): Element[] =>
  [...parent.childNodes].filter((n): n is Element => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === tag && (n as Element).namespaceURI === ns);
const childOf = (parent: Element | undefined, ns: string, tag: string): Element | undefined => (parent ? childrenOf(parent, ns, tag)[0] : undefined);
const attr = (e: Element | undefined, name: string): string | null => (e?.getAttribute(name) || null);
const text = (e: Element | undefined): string | null => (e ? (e.textContent ?? '').trim() : null);

export function readEnvelope(doc: Document): ResponseEnvelope {
  const response = doc.documentElement;
  if (!response || response.localName !== 'Response' || response.namespaceURI !== SAMLP) {
    throw samlRefusal('saml-malformed-xml', 'the message is not a SAML Response', 400);
  }
  return { destination: attr(response, 'Destination'), inResponseTo: attr(response, 'InResponseTo'), issuer: text(childOf(response, SAML, 'Issuer')) };
}

export function readAssertion(doc: Document): AssertionFacts {
  const assertion = doc.documentElement;
  if (!assertion || assertion.localName !== 'Assertion') throw samlRefusal('saml-assertion-missing', 'no verified assertion', 403);
  const subject = childOf(assertion, SAML, 'Subject');
  const nameId = childOf(subject, SAML, 'NameID');
  const bearer = subject
    ? childrenOf(subject, SAML, 'SubjectConfirmation').find((c) => c.getAttribute('Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer')
    : undefined;
  const data = childOf(bearer, SAML, 'SubjectConfirmationData');
  const conditions = childOf(assertion, SAML, 'Conditions');
  const ends = [attr(data, 'NotOnOrAfter'), attr(conditions, 'NotOnOrAfter')].filter((v): v is string => v !== null).map((v) => Date.parse(v));
  return {
    id: attr(assertion, 'ID') ?? '',
    issuer: text(childOf(assertion, SAML, 'Issuer')),
    nameId: text(nameId),
    nameIdFormat: attr(nameId, 'Format'),
    sessionIndex: attr(childOf(assertion, SAML, 'AuthnStatement'), 'SessionIndex'),
    recipient: attr(data, 'Recipient'),
    inResponseTo: attr(data, 'InResponseTo'),
    notOnOrAfter: ends.length ? Math.min(...ends) : null,
    attributes: readAttributes(assertion),
  };
}

/** Attributes by Name; a Name given twice is refused, never merged or overwritten. */
function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of childrenOf(assertion, SAML, 'AttributeStatement')) {
    for (const attribute of childrenOf(statement, SAML, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      if (attributes.has(name)) throw samlRefusal('saml-duplicate-attribute', `attribute ${name} appears twice`, 403);
      attributes.set(name, childrenOf(attribute, SAML, 'AttributeValue').map((v) => (v.textContent ?? '').trim()));
    }
  }
  return attributes;
}
