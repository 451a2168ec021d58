// What went wrong with the provider's answer, as a stable reason code. The person
// sees one sentence; the log gets the reason and openid-client's message.
import * as client from 'openid-client';
import { LoginRefused } from '../login.js';

const FAILED = 'Sign-in failed: the answer from your identity provider could not be verified.';

interface OAuthError {
  code?: string;
  message: string;
  cause?: { claim?: unknown } | unknown;
}

function reasonOf(err: OAuthError): string {
  const claim = typeof err.cause === 'object' && err.cause !== null && 'claim' in err.cause ? err.cause.claim : undefined;
  if (err instanceof client.ResponseBodyError) return 'oidc-token-exchange-failed';
  if (err.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return 'oidc-id-token-expired';
  if (/"iss" \(issuer\) response parameter|response parameter "iss"/.test(err.message)) return 'oidc-issuer-mismatch';
  if (/"alg" header parameter/.test(err.message)) return 'oidc-alg-not-allowed';
  if (/signature verification failed/.test(err.message) || err.code === 'OAUTH_KEY_SELECTION_FAILED') return 'oidc-signature-invalid';
  if (err.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    if (claim === 'nonce') return 'oidc-nonce-mismatch';
    if (claim === 'iss') return 'oidc-issuer-mismatch';
    if (claim === 'aud' || claim === 'azp' || /"aud"|"azp"/.test(err.message)) return 'oidc-audience-mismatch';
  }
  return 'oidc-id-token-invalid';
}

/** The refusal for an error thrown by openid-client while redeeming the code. */
export function tokenRefusal(err: unknown): LoginRefused {
  if (err instanceof LoginRefused) return err;
  if (!(err instanceof Error)) throw err;
  // openid-client wraps the precise oauth4webapi error in a ClientError with a generic message.
  const precise = err instanceof client.ClientError && err.cause instanceof Error ? err.cause : err;
  const detail = precise instanceof client.ResponseBodyError ? `${precise.error}: ${precise.error_description ?? ''}` : precise.message;
  return new LoginRefused(reasonOf(precise as OAuthError), FAILED, 400, detail);
}
