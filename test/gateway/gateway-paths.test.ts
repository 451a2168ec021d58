// The app's requests skip the gateway's routers (a prefix check instead of matching every
// route): that is only right while every route lies under GATEWAY_PATHS.
import { expect } from 'chai';
import type Router from '@koa/router';
import { GATEWAY_PATHS, ROUTES, isGatewayPath } from '../../gateway/app.js';
import type { Runtime } from '../../gateway/runtime.js';

/** Route factories only keep the runtime for their handlers: building them reads nothing. */
const untouchable = new Proxy({} as Runtime, {
  get(_target, name) {
    throw new Error(`a router read runtime.${String(name)} while being built`);
  },
});

const routePaths = (router: Router): string[] => router.stack.map((layer) => String(layer.path));

describe('gateway paths', () => {
  it('every route of every router lies under one of GATEWAY_PATHS', () => {
    const paths = ROUTES.flatMap((routes) => routePaths(routes(untouchable)));
    expect(paths.length).to.be.greaterThan(40);
    const outside = paths.filter((path) => !isGatewayPath(path));
    expect(outside, `routes outside ${GATEWAY_PATHS.join(', ')}`).to.deep.equal([]);
  });

  it('matches whole path segments only', () => {
    for (const path of ['/sso', '/sso/login', '/me', '/me/license-requests', '/scim/v2/okta/Users', '/admin', '/healthz', '/metrics']) {
      expect(isGatewayPath(path), path).to.equal(true);
    }
    for (const path of ['/', '/media', '/ssologin', '/metricsx', '/administrator', '/api/sso', '/.well-known/jwks.json']) {
      expect(isGatewayPath(path), path).to.equal(false);
    }
  });
});
