// GET /.well-known/jwks.json: the public key that verifies X-Doorman-Assertion.
import Router from '@koa/router';
import type { Upstream } from './upstream.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export function jwksRoutes({ signingKey }: Pick<Upstream, 'signingKey'>): Router {
  const body = JSON.stringify({ keys: [signingKey.publicJwk] });
  const router = new Router();
  router.get(JWKS_PATH, (ctx) => {
    ctx.type = 'application/json';
    ctx.set('cache-control', 'public, max-age=600');
    ctx.body = body;
  });
  return router;
}
