// The OpenID Connect relying party's routes. Every refusal is a clear page with a
// correlation id; the reason code goes to the log.
import Router from '@koa/router';
import type { Context } from 'koa';
import { LoginRefused, renderRefusal } from '../login.js';
import type { Runtime } from '../runtime.js';
import { oidcClients, type OidcClients } from './clients.js';
import { finishOidcLogin } from './finish.js';
import { startOidcLogin } from './start.js';

type Step = (runtime: Runtime, clients: OidcClients, ctx: Context) => Promise<void>;

export function oidcRoutes(runtime: Runtime): Router {
  const clients = oidcClients();
  const handle = (step: Step) => async (ctx: Context) => {
    try {
      await step(runtime, clients, ctx);
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      renderRefusal(runtime, ctx, err, { protocol: 'oidc', connection: ctx.params.connection });
    }
  };
  const router = new Router();
  router.get('/sso/oidc/:connection/login', handle(startOidcLogin));
  router.get('/sso/oidc/:connection/callback', handle(finishOidcLogin));
  return router;
}
