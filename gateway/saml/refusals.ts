// The SAML adapter's refusals: one stable reason code each, for the log; the
// person sees "Sign-in failed" and a correlation id.
import { LoginRefused } from '../login.js';

const PUBLIC_MESSAGE = 'Sign-in failed: the answer from your identity provider could not be accepted. Try again, or ask your administrator.';

export const samlRefusal = (reason: `saml-${string}`, detail: string, status = 403): LoginRefused =>
  new LoginRefused(reason, PUBLIC_MESSAGE, status, detail);

/** What node-saml's error messages mean, most specific first. */
const NODE_SAML_ERRORS: [RegExp, `saml-${string}`][] = [
  [/not yet valid/i, 'saml-not-yet-valid'],
  [/expired/i, 'saml-expired'],
  [/audience/i, 'saml-audience-mismatch'],
  [/Invalid document signature/, 'saml-response-not-signed'],
  [/multiple assertions/i, 'saml-multiple-assertions'],
  [/decrypt|EncryptedAssertion/i, 'saml-decryption-failed'],
  [/signature|signed|reference/i, 'saml-signature-invalid'],
  [/issuer/i, 'saml-issuer-mismatch'],
  [/Missing SAML assertion/i, 'saml-assertion-missing'],
  [/SAML provider returned/i, 'saml-idp-status-error'],
];

/** A node-saml validation error as a refusal with its reason code. */
export function fromNodeSamlError(err: unknown): LoginRefused {
  const message = err instanceof Error ? err.message : String(err);
  const match = NODE_SAML_ERRORS.find(([pattern]) => pattern.test(message));
  return samlRefusal(match ? match[1] : 'saml-response-invalid', message.slice(0, 300));
}
