// One id per request, carried by every log line written while the request runs
// (AsyncLocalStorage + the logger's mixin), sent back as X-Request-Id and
// closed by one access-log line: method, route, status, duration.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Runtime } from './runtime.js';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming id is kept only when it is short and plain; anything else is replaced. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Probes scraped every few seconds: their access lines are debug. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

const store = new AsyncLocalStorage<{ requestId: string }>();

/**
 * The fields the logger adds to every line: the current request's id, if any. A new object
 * each time: pino merges a line's own fields into what the mixin returns, and they must not
 * stick to the request's later lines.
 */
export const requestLogFields = (): { requestId?: string } => {
  const context = store.getStore();
  return context ? { requestId: context.requestId } : {};
};

/** The request's id: the client's X-Request-Id when short and plain, else a new one. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
}

/** Sets ctx.state.requestId (the proxy sends it upstream as X-Request-Id) and the response header. */
export function requestContext(runtime: Runtime): Middleware<{ requestId?: string }> {
  return async (ctx, next) => {
    const requestId = requestIdOf(ctx.req.headers[REQUEST_ID_HEADER]);
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    await store.run({ requestId }, async () => {
      let failed = false;
      try {
        await next();
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? (ctx.respond === false ? 'proxy' : 'unmatched');
        const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
        runtime.log[level]({ method: ctx.method, route, path: ctx.path, status: failed ? 500 : ctx.status, ms: Math.round(performance.now() - started) }, 'request');
      }
    });
  };
}
