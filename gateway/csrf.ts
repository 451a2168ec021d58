// CSRF protection for the gateway's state-changing routes: the request must come
// from the gateway's own origin, as the browser says in Origin (or Referer when a
// browser sends no Origin) and Sec-Fetch-Site. The session cookie is SameSite=Lax too.
import type { Middleware } from 'koa';
import type { Runtime } from './runtime.js';

export function requireSameOrigin(runtime: Runtime): Middleware {
  return async (ctx, next) => {
    const origin = new URL(runtime.policies().gateway.publicUrl).origin;
    const site = ctx.get('sec-fetch-site');
    const claimed = ctx.get('origin') || originOf(ctx.get('referer'));
    const sameOrigin = claimed ? claimed === origin : site === 'same-origin';
    if (!sameOrigin || (site && site !== 'same-origin' && site !== 'none')) {
      runtime.log.warn({ reason: 'csrf-origin-mismatch', route: ctx.path, origin: claimed || null, secFetchSite: site || null }, 'request refused');
      ctx.status = 403;
      ctx.body = { error: 'csrf', message: 'This request did not come from this site.' };
      return;
    }
    return next();
  };
}

function originOf(referer: string): string {
  try {
    return referer ? new URL(referer).origin : '';
  } catch {
    return '';
  }
}
