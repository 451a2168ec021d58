// GET /sso/oidc/:connection/callback: consume the pending login (once), redeem the
// code with its PKCE verifier, verify the ID token (signature against the JWKS, pinned
// alg, iss, aud, azp, exp, nonce; the RFC 9207 iss parameter), then sign the person in.
import type { Context } from 'koa';
import * as client from 'openid-client';
import { completeLogin, LoginRefused } from '../login.js';
import type { Runtime } from '../runtime.js';
import { identityFromClaims } from './claims.js';
import type { OidcClients } from './clients.js';
import { callbackUrl, oidcConnection } from './settings.js';
import { hashState } from './state.js';
import { checkTenant } from './tenant.js';
import { tokenRefusal } from './token-errors.js';

const refused = (reason: string, detail: string) =>
  new LoginRefused(reason, 'Sign-in failed or expired. Please start again.', 400, detail);

function providerError(error: string): LoginRefused {
  const code = /^[a-z_]{1,64}$/.test(error) ? error : 'invalid_error';
  const message = code === 'access_denied'
    ? 'Your identity provider did not allow this sign-in.'
    : `Your identity provider could not complete the sign-in (${code}).`;
  return new LoginRefused('oidc-provider-error', message, 400, `provider answered error=${code}`);
}

export async function finishOidcLogin(runtime: Runtime, clients: OidcClients, ctx: Context): Promise<void> {
  const settings = oidcConnection(runtime, ctx.params.connection);
  const { query } = ctx;
  const state = typeof query.state === 'string' && query.state ? query.state : undefined;
  const pending = state ? await runtime.repos.oidc.consume(hashState(state), Date.now()) : null;
  if (typeof query.error === 'string') throw providerError(query.error);
  if (!state) throw refused('oidc-state-missing', 'callback without state');
  if (!pending) throw refused('oidc-state-invalid', 'unknown, expired or already used state');
  if (pending.connectionId !== settings.connectionId) {
    throw refused('oidc-connection-mismatch', `login started at ${pending.connectionId}, answer sent to ${settings.connectionId}`);
  }

  const config = await clients.get(settings);
  const currentUrl = new URL(`${callbackUrl(runtime.policies().gateway.publicUrl, settings.connectionId)}?${ctx.querystring}`);
  const tokens = await client
    .authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    })
    .catch((err: unknown) => Promise.reject(tokenRefusal(err)));
  const idToken = tokens.claims();
  if (!idToken) throw refused('oidc-id-token-invalid', 'no ID token in the token response');
  checkTenant(settings, config.serverMetadata().issuer, idToken);

  const userinfo = settings.useUserinfo
    ? await client.fetchUserInfo(config, tokens.access_token, idToken.sub).catch((err: Error) => {
        throw new LoginRefused('oidc-userinfo-failed', 'Your identity provider did not send your profile.', 502, err.message);
      })
    : undefined;
  await completeLogin(runtime, ctx, identityFromClaims(settings, idToken, userinfo), pending.returnTo);
}
