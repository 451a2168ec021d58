// The last middleware: every request no gateway route answered goes to the upstream app,
// with the signed-in user's identity attached; without a session, to the login page.
import type { Middleware } from 'koa';
import type { ActiveSession } from '../identity.js';
import { timeProxyRequest } from '../metrics.js';
import type { Runtime } from '../runtime.js';
import { exchange } from './exchange.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { refuse, requireLogin, wantsJson, writeRefusal, type RefusalReason } from './refusals.js';
import { isAccountCreation } from './restrictions.js';
import { upstreamFailure } from './upstream-failure.js';
import type { Upstream } from './upstream.js';

export interface ProxyState {
  session?: ActiveSession;
  /** Set by requestContext, which runs first. */
  requestId: string;
}

export interface ProxyOptions {
  upstream: Upstream;
}

export function proxyMiddleware(runtime: Runtime, { upstream }: ProxyOptions): Middleware<ProxyState> {
  return async (ctx) => {
    const { session } = ctx.state;
    if (!session) return requireLogin(ctx);
    const { gateway } = runtime.policies();
    if (session.restricted && isAccountCreation(gateway.accountCreationRoutes, ctx.method, ctx.path)) {
      runtime.log.info({ reason: 'restricted-account-creation', user: session.userId, method: ctx.method, path: ctx.path }, 'request refused');
      return refuse(ctx, 'restricted-account-creation');
    }

    const target = upstream.target(gateway);
    const { req, res } = ctx;
    const headers = upstreamRequestHeaders(req, target.forwarded, ctx.state.requestId, upstream.identity.for(session, gateway.publicUrl, gateway.upstreamUrl));
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    ctx.respond = false;
    const timed = timeProxyRequest();
    const outcome = await exchange(
      upstream.agent,
      {
        origin: target.origin,
        path: target.basePath + req.url,
        method: req.method ?? 'GET',
        headers,
        body: hasBody ? req : null,
        headersTimeout: gateway.proxy.responseTimeoutMs,
        bodyTimeout: gateway.proxy.responseTimeoutMs,
      },
      res,
    );
    timed(outcome.kind);
    if (outcome.kind === 'completed' || outcome.kind === 'client-gone') return;
    const reason: RefusalReason = upstreamFailure(outcome.error);
    runtime.log.warn({ reason, code: errorCode(outcome.error), method: ctx.method, path: ctx.path, responseStarted: outcome.kind === 'failed-after-response' }, 'upstream request failed');
    if (outcome.kind === 'failed-before-response') writeRefusal(res, reason, wantsJson(ctx));
  };
}

const errorCode = (err: Error): string | undefined => (err as NodeJS.ErrnoException).code;
