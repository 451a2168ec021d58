// What the gateway answers instead of the upstream: a small HTML page for browsers,
// JSON for API clients. Each refusal has a stable reason code, also logged.
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';

export type RefusalReason = 'unauthenticated' | 'restricted-account-creation' | 'upstream-unreachable' | 'upstream-timeout' | 'upstream-error';

const LOGIN_PATH = '/sso/login';

interface Page {
  status: number;
  title: string;
  message: string;
}

/** Every refusal but 401, which is always JSON (browsers' page loads are redirected instead). */
const PAGES: Record<Exclude<RefusalReason, 'unauthenticated'>, Page> = {
  'restricted-account-creation': {
    status: 403,
    title: 'Account creation is managed by your company',
    message: "Your company's policy lets its administrators, not you, create accounts. Ask one of your administrators.",
  },
  'upstream-unreachable': { status: 502, title: 'The application is unreachable', message: 'The application behind this gateway cannot be reached. Try again in a moment.' },
  'upstream-timeout': { status: 504, title: 'The application did not answer in time', message: 'The application behind this gateway took too long to answer. Try again in a moment.' },
  'upstream-error': { status: 502, title: 'The application failed to answer', message: 'The application behind this gateway closed the connection. Try again in a moment.' },
};

const JSON_TYPE = 'application/json; charset=utf-8';

const isReadOnly = (ctx: Context) => ctx.method === 'GET' || ctx.method === 'HEAD';

/**
 * Whether a refusal should be JSON: X-Requested-With: XMLHttpRequest, an Accept preferring
 * JSON to HTML, or a method other than GET/HEAD whose Accept does not name text/html
 * (a browser's form post gets the HTML page).
 */
export function wantsJson(ctx: Context): boolean {
  if (ctx.get('x-requested-with').toLowerCase() === 'xmlhttprequest') return true;
  if (!isReadOnly(ctx) && !ctx.get('accept').includes('text/html')) return true;
  return ctx.accepts('html', 'json') === 'json';
}

/** The refusal's status and body: JSON (always for 401), else a small HTML page. */
export function refusal(reason: RefusalReason, json: boolean): { status: number; contentType: string; body: string } {
  if (reason === 'unauthenticated') return { status: 401, contentType: JSON_TYPE, body: JSON.stringify({ error: reason, login: LOGIN_PATH }) };
  const { status, title, message } = PAGES[reason];
  if (json) return { status, contentType: JSON_TYPE, body: JSON.stringify({ error: reason, message }) };
  const body = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1><p>${message}</p></body></html>\n`;
  return { status, contentType: 'text/html; charset=utf-8', body };
}

/** The refusal as ctx's response. */
export function refuse(ctx: Context, reason: RefusalReason): void {
  const { status, contentType, body } = refusal(reason, wantsJson(ctx));
  ctx.status = status;
  ctx.type = contentType;
  ctx.set('cache-control', 'no-store');
  ctx.body = body;
}

/** The refusal written straight onto a response Koa no longer handles (ctx.respond = false). */
export function writeRefusal(res: ServerResponse, reason: RefusalReason, json: boolean): void {
  const { status, contentType, body } = refusal(reason, json);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Browsers' page loads go to the login page and come back to where they were; anything else
 * (JSON, XMLHttpRequest, any method but GET/HEAD, which cannot be replayed after login) gets 401 JSON.
 */
export function requireLogin(ctx: Context): void {
  if (!isReadOnly(ctx) || wantsJson(ctx)) return refuse(ctx, 'unauthenticated');
  ctx.set('cache-control', 'no-store');
  ctx.redirect(`${LOGIN_PATH}?return_to=${encodeURIComponent(ctx.originalUrl)}`);
}
