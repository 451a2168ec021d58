// Liveness and readiness for load balancers and orchestrators.
import Router from '@koa/router';
import type { Runtime } from '../runtime.js';

export function healthRoutes(runtime: Runtime): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const database = await runtime.db.knex
      .raw('select 1')
      .then(() => 'ok' as const)
      .catch((err: Error) => {
        runtime.log.warn({ reason: 'database-unreachable', err: err.message }, 'readiness check: database unreachable');
        return 'unreachable' as const;
      });
    const policies = runtime.policies();
    // A refused reload leaves the gateway ready (the last good policies serve) but degraded.
    const failed = runtime.reloadStatus?.().failed ?? null;
    ctx.status = database === 'ok' ? 200 : 503;
    ctx.body = {
      status: database !== 'ok' ? 'not-ready' : failed ? 'degraded' : 'ready',
      database,
      policies: { version: policies.version, accounts: policies.accounts.length, ...(failed && { reload: { ...failed, at: new Date(failed.at).toISOString() } }) },
    };
  });
  return router;
}
