// The Koa application. The gateway's own routes, in one table, come before the
// proxy, which takes every other path.
import Koa from 'koa';
import type Router from '@koa/router';
import { healthRoutes } from './routes/health.js';
import { adminApiRoutes } from './routes/admin-api.js';
import { invitationRoutes } from './routes/invitations.js';
import { loginRoutes } from './routes/login.js';
import { meRoutes } from './routes/me.js';
import { oidcRoutes } from './oidc/routes.js';
import { samlRoutes } from './saml/routes.js';
import { jwksRoutes, proxyMiddleware, type Upstream } from './proxy/index.js';
import { sessionMiddleware } from './session.js';
import type { Runtime } from './runtime.js';

/** The gateway's routers, in order. Protocol adapters add theirs here. */
const ROUTES: ((runtime: Runtime) => Router)[] = [healthRoutes, loginRoutes, invitationRoutes, meRoutes, adminApiRoutes, oidcRoutes, samlRoutes];

export function createApp(runtime: Runtime, upstream: Upstream): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.on('error', (err: Error) => runtime.log.error({ reason: 'unhandled-error', err: err.message }, 'request failed'));
  // Public, before any session lookup.
  app.use(jwksRoutes(upstream).routes());
  app.use(sessionMiddleware(runtime));
  for (const routes of ROUTES) {
    const router = routes(runtime);
    app.use(router.routes()).use(router.allowedMethods());
  }
  app.use(proxyMiddleware(runtime, { upstream }));
  return app;
}
