// While the database is away, requests fail fast with 503 (and Retry-After), not
// 500 and not a hung client; the pool reconnects by itself when it is back.
import type { Middleware } from 'koa';
import type { Runtime } from './runtime.js';

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'SQLITE_BUSY']);

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    err.name === 'KnexTimeoutError' ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err.message)
  );
}

export function databaseUnavailable(runtime: Runtime): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      runtime.log.error({ reason: 'database-unavailable', route: ctx.path, err: (err as Error).message }, 'database unavailable');
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      if (ctx.accepts('html', 'json') === 'html') {
        ctx.type = 'html';
        ctx.body = '<!doctype html><title>Unavailable</title><h1>Temporarily unavailable</h1><p>Try again in a few seconds.</p>';
      } else ctx.body = { error: 'unavailable', message: 'the database is unreachable; try again shortly' };
    }
  };
}
