// Rate limits counted in the database (shared by every gateway process).
import type { Context } from 'koa';
import { countRateLimited } from './metrics.js';
import type { Runtime } from './runtime.js';

/** False (and a 429 with Retry-After already set on ctx) when key is over its limit. */
export async function withinLimit(runtime: Runtime, ctx: Context, key: string, limit: number, windowMs: number): Promise<boolean> {
  const now = Date.now();
  const { count, windowStart } = await runtime.repos.rateLimits.hit(key, windowMs, now);
  if (count <= limit) return true;
  ctx.status = 429;
  ctx.set('Retry-After', String(Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000))));
  const name = key.split(':')[0];
  countRateLimited(name);
  runtime.log.warn({ reason: 'rate-limited', route: ctx.path, limit: name }, 'request refused');
  return false;
}
