// The Koa application. The gateway's own routes, in one table, come before the
// proxy, which takes every other path.
import Koa from 'koa';
import type Router from '@koa/router';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { loginRateLimit } from './login-rate-limit.js';
import { requestContext } from './request-context.js';
import { databaseUnavailable } from './database-errors.js';
import { adminApiRoutes } from './routes/admin-api.js';
import { adminRequestRoutes } from './routes/admin-requests.js';
import { adminReportRoutes } from './routes/admin-reports.js';
import { adminConsoleRoutes } from './routes/admin-console.js';
import { invitationRoutes } from './routes/invitations.js';
import { loginRoutes } from './routes/login.js';
import { meRoutes } from './routes/me.js';
import { oidcRoutes } from './oidc/routes.js';
import { samlRoutes } from './saml/routes.js';
import { scimRoutes } from './scim/routes.js';
import { jwksRoutes, proxyMiddleware, type Upstream } from './proxy/index.js';
import { sessionMiddleware } from './session.js';
import type { Runtime } from './runtime.js';

/** The gateway's routers, in order. Protocol adapters add theirs here. */
const ROUTES: ((runtime: Runtime) => Router)[] = [healthRoutes, metricsRoutes, loginRoutes, invitationRoutes, meRoutes, adminApiRoutes, adminRequestRoutes, adminReportRoutes, adminConsoleRoutes, oidcRoutes, samlRoutes, scimRoutes];

export function createApp(runtime: Runtime, upstream: Upstream): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.on('error', (err: Error) => runtime.log.error({ reason: 'unhandled-error', err: err.message }, 'request failed'));
  app.use(requestContext(runtime));
  app.use(databaseUnavailable(runtime));
  app.use(loginRateLimit(runtime));
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
