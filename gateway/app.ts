// The Koa application. The gateway's own routes, in one table, come before the
// proxy, which takes every other path.
import Koa, { type Middleware } from 'koa';
import compose from 'koa-compose';
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
import { JWKS_PATH, jwksRoutes, proxyMiddleware, type Upstream } from './proxy/index.js';
import { sessionMiddleware } from './session.js';
import type { Runtime } from './runtime.js';

/** The gateway's routers, in order. Protocol adapters add theirs here. */
export const ROUTES: ((runtime: Runtime) => Router)[] = [healthRoutes, metricsRoutes, loginRoutes, invitationRoutes, meRoutes, adminApiRoutes, adminRequestRoutes, adminReportRoutes, adminConsoleRoutes, oidcRoutes, samlRoutes, scimRoutes];

/**
 * The paths the gateway's routes live under (a route's path is one of these or below one,
 * segment by segment: /me and /me/..., never /media); every other path is the app's.
 */
export const GATEWAY_PATHS = ['/sso', '/scim', '/admin', '/me', '/healthz', '/readyz', '/metrics'] as const;

export const isGatewayPath = (path: string): boolean =>
  GATEWAY_PATHS.some((root) => path.startsWith(root) && (path.length === root.length || path.charCodeAt(root.length) === 0x2f));

/** Runs middleware for the paths it applies to; every other request skips it. */
const onlyFor = (applies: (path: string) => boolean, middleware: Middleware): Middleware => (ctx, next) => (applies(ctx.path) ? middleware(ctx, next) : next());

/** The routers as one middleware. Koa's own use() takes router middleware the same way: the router adds its fields to the context it gets. */
const routesOf = (routers: Router[]): Middleware => compose(routers.flatMap((router) => [router.routes(), router.allowedMethods()]) as Middleware[]);

export function createApp(runtime: Runtime, upstream: Upstream): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.on('error', (err: Error) => runtime.log.error({ reason: 'unhandled-error', err: err.message }, 'request failed'));
  app.use(requestContext(runtime));
  app.use(databaseUnavailable(runtime));
  app.use(loginRateLimit(runtime));
  // Public, before any session lookup.
  app.use(onlyFor((path) => path === JWKS_PATH, jwksRoutes(upstream).routes() as Middleware));
  app.use(sessionMiddleware(runtime));
  // The app's requests skip the routers' matching altogether.
  app.use(onlyFor(isGatewayPath, routesOf(ROUTES.map((routes) => routes(runtime)))));
  app.use(proxyMiddleware(runtime, { upstream }));
  return app;
}
