// Hostile responses, each made from a valid one the test IdP signed: signature
// wrapping, re-signing, algorithm confusion, XML tricks. Every function takes and
// returns the Response XML.
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const EVIL_EMAIL = 'mallory@acme.test';

const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml');
const serialize = (doc: Document): string => new XMLSerializer().serializeToString(doc);
const first = (parent: Document | Element, ns: string, tag: string): Element => parent.getElementsByTagNameNS(ns, tag)[0]!;
const childSignature = (e: Element): Element => [...e.childNodes].find((n) => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === 'Signature') as Element;

function edit(xml: string, change: (doc: Document, response: Element, assertion: Element) => void): string {
  const doc = parse(xml);
  change(doc, doc.documentElement!, first(doc, SAML, 'Assertion'));
  return serialize(doc);
}

/** A copy of the assertion naming the attacker, under a new ID, without the signature. */
function evilCopy(assertion: Element): Element {
  const evil = assertion.cloneNode(true) as Element;
  evil.setAttribute('ID', '_evil');
  const sig = childSignature(evil);
  if (sig) evil.removeChild(sig);
  first(evil, SAML, 'NameID').textContent = EVIL_EMAIL;
  return evil;
}

/** A copy naming the attacker that keeps the original's signature (the original moves elsewhere). */
function evilKeepingSignature(assertion: Element): { evil: Element; original: Element } {
  const evil = assertion.cloneNode(true) as Element;
  first(evil, SAML, 'NameID').textContent = EVIL_EMAIL;
  evil.setAttribute('ID', '_evil');
  const original = assertion.cloneNode(true) as Element;
  original.removeChild(childSignature(original));
  return { evil, original };
}

export const XSW: Record<string, (xml: string) => string> = {
  // XSW1/XSW2 wrap a signed Response: the signed original hides inside / before the Signature.
  xsw1: (xml) => edit(xml, (doc, response) => {
    const original = response.cloneNode(true) as Element;
    original.removeChild(childSignature(original));
    response.setAttribute('ID', '_evil-response');
    first(response, SAML, 'NameID').textContent = EVIL_EMAIL;
    const object = doc.createElementNS(DS, 'ds:Object');
    object.appendChild(original);
    childSignature(response).appendChild(object);
  }),
  xsw2: (xml) => edit(xml, (_doc, response) => {
    const original = response.cloneNode(true) as Element;
    original.removeChild(childSignature(original));
    response.setAttribute('ID', '_evil-response');
    first(response, SAML, 'NameID').textContent = EVIL_EMAIL;
    const sig = childSignature(response);
    sig.parentNode!.insertBefore(original, sig);
  }),
  // XSW3..XSW8 wrap the signed assertion.
  xsw3: (xml) => edit(xml, (_doc, response, assertion) => void response.insertBefore(evilCopy(assertion), assertion)),
  xsw4: (xml) => edit(xml, (_doc, response, assertion) => {
    const evil = evilCopy(assertion);
    response.replaceChild(evil, assertion);
    evil.appendChild(assertion);
  }),
  xsw5: (xml) => edit(xml, (_doc, response, assertion) => {
    const { evil, original } = evilKeepingSignature(assertion);
    response.replaceChild(evil, assertion);
    response.appendChild(original);
  }),
  xsw6: (xml) => edit(xml, (_doc, response, assertion) => {
    const { evil, original } = evilKeepingSignature(assertion);
    response.replaceChild(evil, assertion);
    childSignature(evil).appendChild(original);
  }),
  xsw7: (xml) => edit(xml, (doc, response, assertion) => {
    const extensions = doc.createElementNS('urn:oasis:names:tc:SAML:2.0:protocol', 'samlp:Extensions');
    response.insertBefore(extensions, assertion);
    response.removeChild(assertion);
    extensions.appendChild(assertion);
    response.appendChild(evilCopy(assertion));
  }),
  xsw8: (xml) => edit(xml, (doc, response, assertion) => {
    const { evil, original } = evilKeepingSignature(assertion);
    response.replaceChild(evil, assertion);
    const object = doc.createElementNS(DS, 'ds:Object');
    object.appendChild(original);
    childSignature(evil).appendChild(object);
  }),
};

export const commentInNameId = (xml: string): string => xml.replace(/(<saml:NameID[^>]*>[^<@]*)@/, '$1<!---->@');
export const commentInDigest = (xml: string): string => xml.replace(/(<ds:DigestValue>)([^<]{4})/, '$1$2<!---->');
export const modifyAssertion = (xml: string): string => edit(xml, (doc) => void (first(doc, SAML, 'NameID').textContent = EVIL_EMAIL));
export const removeSignatures = (xml: string): string => edit(xml, (doc) => [...doc.getElementsByTagNameNS(DS, 'Signature')].forEach((s) => s.parentNode!.removeChild(s)));
export const secondSignedInfo = (xml: string): string => edit(xml, (doc) => {
  const signedInfo = first(doc, DS, 'SignedInfo');
  signedInfo.parentNode!.insertBefore(signedInfo.cloneNode(true), signedInfo);
});
export const multipleRoots = (xml: string): string => `${xml}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_second"/>`;
export const doctypeXxe = (xml: string): string =>
  `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*\?>/, '')}`.replace('</saml:Issuer>', '&xxe;</saml:Issuer>');

/** The assertion modified and signed again with `key`, `cert` in its KeyInfo; HMAC signs with the cert as the key. */
export function resign(xml: string, key: string, cert: string, algorithm: 'rsa' | 'hmac'): string {
  const unsigned = edit(removeSignatures(xml), (doc) => void (first(doc, SAML, 'NameID').textContent = EVIL_EMAIL));
  const sig = new SignedXml({
    privateKey: algorithm === 'hmac' ? Buffer.from(cert) : key,
    publicCert: cert,
    signatureAlgorithm: algorithm === 'hmac' ? 'http://www.w3.org/2000/09/xmldsig#hmac-sha1' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  if (algorithm === 'hmac') sig.enableHMAC();
  sig.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(unsigned, { prefix: 'ds', location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
  return sig.getSignedXml();
}
