// gateway.yaml rate_limits.login: the login routes, per client IP per window
// (429 with Retry-After). Counted in the database, so every process shares the limit.
import type { Middleware } from 'koa';
import { page } from './pages.js';
import { withinLimit } from './rate-limit.js';
import type { Runtime } from './runtime.js';

/** POST /sso/login, the SAML and OIDC logins, the ACS and the OIDC callback. */
const LOGIN_ROUTES: { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/sso\/login$/ },
  { method: 'GET', path: /^\/sso\/saml\/[^/]+\/login$/ },
  { method: 'POST', path: /^\/sso\/saml\/[^/]+\/acs$/ },
  { method: 'GET', path: /^\/sso\/oidc\/[^/]+\/(login|callback)$/ },
];

const isLoginRoute = (method: string, path: string): boolean => LOGIN_ROUTES.some((r) => r.method === method && r.path.test(path));

export function loginRateLimit(runtime: Runtime): Middleware {
  const limited: Middleware = async (ctx, next) => {
    const { perClient, windowMs } = runtime.policies().gateway.rateLimits.login;
    if (await withinLimit(runtime, ctx, `login-client:${ctx.ip}`, perClient, windowMs)) return next();
    ctx.type = 'html';
    ctx.body = page('Too many attempts', '<h1>Too many attempts</h1><p>Wait a while, then try again.</p>');
  };
  // Not async for every other request: no promise of its own on the proxy's path.
  return (ctx, next) => (isLoginRoute(ctx.method, ctx.path) ? limited(ctx, next) : next());
}
