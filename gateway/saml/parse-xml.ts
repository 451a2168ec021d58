// XML as the SAML adapter accepts it: no DOCTYPE (so no entities, no XXE), exactly
// one root element, well-formed, and no comments (a comment splits a NameID's text).
import { DOMParser, type Document } from '@xmldom/xmldom';
import { samlRefusal } from './refusals.js';

export function parseStrictXml(xml: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw samlRefusal('saml-doctype-refused', 'the XML carries a DOCTYPE or ENTITY declaration', 400);
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw samlRefusal('saml-malformed-xml', (err as Error).message.slice(0, 200), 400);
  }
  const roots = [...doc.childNodes].filter((n) => n.nodeType === n.ELEMENT_NODE);
  if (roots.length !== 1) throw samlRefusal('saml-malformed-xml', `${roots.length} root elements`, 400);
  if (/<!--/.test(xml)) throw samlRefusal('saml-xml-comment', 'the XML carries a comment', 400);
  return doc;
}
