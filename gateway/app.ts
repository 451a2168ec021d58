// The Koa application: gateway routes first, in one table.
import Koa from 'koa';
import { healthRoutes } from './routes/health.js';
import type { Runtime } from './runtime.js';

export function createApp(runtime: Runtime): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.on('error', (err: Error) => runtime.log.error({ reason: 'unhandled-error', err: err.message }, 'request failed'));
  for (const router of [healthRoutes(runtime)]) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
