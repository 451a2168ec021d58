// The SAML routes: thin. Each reads its input, calls the adapter, renders; every
// refusal becomes "Sign-in failed" with a correlation id and a saml-* reason in the log.
import Router from '@koa/router';
import type { Context } from 'koa';
import { completeLogin, LoginRefused, renderRefusal, safeReturnTo } from '../login.js';
import { page } from '../pages.js';
import type { Runtime } from '../runtime.js';
import { setSessionCookie } from '../session.js';
import { acceptResponse } from './accept-response.js';
import { samlConnection } from './connection-config.js';
import { toIdentity } from './map-identity.js';
import { nodeSaml } from './node-saml.js';
import { readForm } from './read-form.js';
import { receiveLogout } from './receive-logout.js';
import { samlRefusal } from './refusals.js';
import { requestStore } from './store-request.js';
import { verifyResponse } from './verify-response.js';

const refusing =
  (runtime: Runtime, handle: (ctx: Context, connectionId: string) => Promise<void>) =>
  async (ctx: Context): Promise<void> => {
    const connectionId = String(ctx.params.connection);
    try {
      await handle(ctx, connectionId);
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      renderRefusal(runtime, ctx, err, { connection: connectionId });
    }
  };

export function samlRoutes(runtime: Runtime): Router {
  const router = new Router({ prefix: '/sso/saml/:connection' });

  router.get('/login', refusing(runtime, async (ctx, id) => {
    const c = await samlConnection(runtime.policies(), id);
    const returnTo = safeReturnTo(ctx.query.return_to, runtime.policies().gateway.publicUrl);
    const hint = typeof ctx.query.login_hint === 'string' && ctx.query.login_hint.length <= 256 ? { login_hint: ctx.query.login_hint } : undefined;
    ctx.redirect(await nodeSaml(c, requestStore(runtime, c.id, returnTo)).getAuthorizeUrlAsync('', undefined, { additionalParams: hint }));
  }));

  router.post('/acs', refusing(runtime, async (ctx, id) => {
    const c = await samlConnection(runtime.policies(), id);
    const form = await readForm(ctx, c.maxBody);
    const samlResponse = form.get('SAMLResponse');
    if (!samlResponse) throw samlRefusal('saml-response-missing', 'no SAMLResponse in the POST', 400);
    const verified = await verifyResponse(c, samlResponse);
    const identity = toIdentity(c, verified);
    const returnTo = await acceptResponse(runtime, c, verified, form.get('RelayState'));
    await completeLogin(runtime, ctx, identity, returnTo);
  }));

  router.post('/slo', refusing(runtime, async (ctx, id) => {
    const c = await samlConnection(runtime.policies(), id);
    const form = await readForm(ctx, c.maxBody);
    const samlRequest = form.get('SAMLRequest');
    if (!samlRequest) throw samlRefusal('saml-logout-request-missing', 'no SAMLRequest in the POST', 400);
    const profile = await receiveLogout(runtime, c, samlRequest);
    setSessionCookie(runtime, ctx, null);
    if (c.idpSloUrl) return ctx.redirect(await nodeSaml(c).getLogoutResponseUrlAsync(profile, form.get('RelayState') ?? '', {}, true));
    ctx.type = 'html';
    ctx.body = page('Signed out', '<h1>Signed out</h1><p>Your identity provider ended your session.</p>');
  }));

  router.get('/metadata', refusing(runtime, async (ctx, id) => {
    const c = await samlConnection(runtime.policies(), id);
    ctx.type = 'application/samlmetadata+xml';
    ctx.body = nodeSaml(c).generateServiceProviderMetadata(c.decryption?.cert ?? null, c.signing?.cert ?? null);
  }));

  return router;
}
