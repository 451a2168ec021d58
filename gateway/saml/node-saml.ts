// node-saml configured for one connection, every check it offers on. InResponseTo,
// Destination, Recipient, Issuer and replay are checked by the gateway itself
// (verify-response.ts): node-saml 5 leaves them to the caller.
import { SAML, ValidateInResponseTo, type CacheProvider } from '@node-saml/node-saml';
import type { SamlConnection } from './connection-config.js';

export const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** `requests` stores each AuthnRequest ID node-saml generates (only login requests pass one). */
export function nodeSaml(c: SamlConnection, requests?: CacheProvider): SAML {
  return new SAML({
    issuer: c.spEntityId,
    callbackUrl: c.acsUrl,
    entryPoint: c.ssoUrl,
    audience: c.spEntityId,
    idpIssuer: c.idpEntityId,
    idpCert: c.idpCertificates,
    wantAssertionsSigned: c.wantAssertionsSigned,
    wantAuthnResponseSigned: c.wantResponseSigned,
    acceptedClockSkewMs: c.clockSkewMs,
    identifierFormat: c.emailAttribute ? null : EMAIL_NAME_ID,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    ...(c.signing ? { privateKey: c.signing.key, publicCert: c.signing.cert ?? undefined } : {}),
    ...(c.decryption ? { decryptionPvk: c.decryption.key } : {}),
    ...(c.idpSloUrl ? { logoutUrl: c.idpSloUrl } : {}),
    logoutCallbackUrl: c.spSloUrl,
    validateInResponseTo: requests ? ValidateInResponseTo.always : ValidateInResponseTo.never,
    ...(requests ? { cacheProvider: requests } : {}),
  });
}
