// Every XML signature in a message, before any is verified: the algorithms on the
// allow-list (HMAC never: it would take the IdP's public certificate as its key;
// SHA-1 only where the connection opts in) and exactly one SignedInfo each.
import type { Document } from '@xmldom/xmldom';
import { samlRefusal } from './refusals.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';

const SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const DIGEST_METHODS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']);
const SHA1 = { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' };
const TRANSFORMS = new Set([
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
]);

export function checkSignatures(doc: Document, allowSha1: boolean): void {
  for (const signature of [...doc.getElementsByTagNameNS(DS, 'Signature')]) {
    const children = [...signature.childNodes].filter((n) => n.nodeType === n.ELEMENT_NODE && n.namespaceURI === DS);
    if (children.filter((n) => n.localName === 'SignedInfo').length !== 1 || children.filter((n) => n.localName === 'SignatureValue').length !== 1) {
      throw samlRefusal('saml-signature-malformed', 'a Signature must hold exactly one SignedInfo and one SignatureValue', 400);
    }
    // Only the signature's own algorithms: an EncryptedKey's OAEP digest is not a signature digest.
    const algorithms = (tag: string) => [...signature.getElementsByTagNameNS(DS, tag)].map((e) => e.getAttribute('Algorithm') ?? '');
    for (const method of algorithms('SignatureMethod')) {
      if (!SIGNATURE_METHODS.has(method) && !(allowSha1 && method === SHA1.signature)) {
        throw samlRefusal('saml-signature-algorithm', `signature algorithm ${method} is not allowed`, 400);
      }
    }
    for (const method of algorithms('DigestMethod')) {
      if (!DIGEST_METHODS.has(method) && !(allowSha1 && method === SHA1.digest)) {
        throw samlRefusal('saml-signature-algorithm', `digest algorithm ${method} is not allowed`, 400);
      }
    }
    for (const method of [...algorithms('Transform'), ...algorithms('CanonicalizationMethod')]) {
      if (!TRANSFORMS.has(method)) throw samlRefusal('saml-signature-algorithm', `transform ${method} is not allowed`, 400);
    }
  }
}
