// GET /sso/oidc/:connection/login: authorization code flow with PKCE S256, state and
// nonce, all kept server-side so that any gateway process can finish the login.
import type { Context } from 'koa';
import * as client from 'openid-client';
import { safeReturnTo } from '../login.js';
import type { Runtime } from '../runtime.js';
import type { OidcClients } from './clients.js';
import { callbackUrl, oidcConnection } from './settings.js';
import { hashState, PENDING_LOGIN_TTL_MS } from './state.js';

const loginHintOf = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 && value.length <= 256 && !/[\u0000-\u001f\u007f]/.test(value) ? value : null;

export async function startOidcLogin(runtime: Runtime, clients: OidcClients, ctx: Context): Promise<void> {
  const settings = oidcConnection(runtime, ctx.params.connection);
  const config = await clients.get(settings);
  const { publicUrl } = runtime.policies().gateway;

  const now = Date.now();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const loginHint = loginHintOf(ctx.query.login_hint);
  await runtime.repos.oidc.create({
    stateHash: hashState(state),
    connectionId: settings.connectionId,
    nonce,
    codeVerifier,
    returnTo: safeReturnTo(ctx.query.return_to, publicUrl),
    loginHint,
    createdAt: now,
    expiresAt: now + PENDING_LOGIN_TTL_MS,
  });

  const parameters: Record<string, string> = {
    redirect_uri: callbackUrl(publicUrl, settings.connectionId),
    scope: settings.scopes.join(' '),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  if (loginHint) parameters.login_hint = loginHint;
  ctx.set('Cache-Control', 'no-store');
  ctx.redirect(client.buildAuthorizationUrl(config, parameters).href);
}
