// Upgrade requests (WebSocket) never reach Koa: the http.Server's 'upgrade' event gets them.
// A signed-in user's upgrade is tunnelled to the upstream with the same identity headers as
// HTTP requests; anyone else gets 401 and a closed socket.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ActiveSession } from '../identity.js';
import type { Runtime } from '../runtime.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../request-context.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { refusal, type RefusalReason } from './refusals.js';
import { isAccountCreation } from './restrictions.js';
import { tunnelUpgrade } from './tunnel.js';
import { upstreamFailure } from './upstream-failure.js';
import type { Upstream } from './upstream.js';

/** The session the request's cookie names, as the session middleware would find it; undefined when none is valid. */
export type ResolveSession = (req: IncomingMessage) => Promise<ActiveSession | undefined>;

export interface WebSocketProxyOptions {
  upstream: Upstream;
  resolveSession: ResolveSession;
}

export function attachWebSocketProxy(server: Server, runtime: Runtime, options: WebSocketProxyOptions): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: without one a reset would crash the process.
    socket.on('error', () => socket.destroy());
    options.upstream.track(socket);
    proxyUpgrade(runtime, options, req, socket, head).catch((err: Error) => {
      runtime.log.error({ reason: 'upgrade-failed', err: err.message }, 'upgrade request failed');
      socket.destroy();
    });
  });
}

async function proxyUpgrade(runtime: Runtime, { upstream, resolveSession }: WebSocketProxyOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const session = await resolveSession(req);
  if (socket.destroyed) return;
  if (!session) return refuseUpgrade(socket, 'unauthenticated');
  const { gateway } = runtime.policies();
  const url = req.url ?? '/';
  const path = url.split('?', 1)[0];
  const method = req.method ?? 'GET';
  if (session.restricted && isAccountCreation(gateway.accountCreationRoutes, method, path)) {
    runtime.log.info({ reason: 'restricted-account-creation', user: session.userId, method, path }, 'upgrade refused');
    return refuseUpgrade(socket, 'restricted-account-creation');
  }

  const target = upstream.target(gateway);
  const outcome = await tunnelUpgrade(
    upstream.agent,
    {
      origin: target.origin,
      path: target.basePath + url,
      method,
      headers: upstreamRequestHeaders(req, target.forwarded, requestIdOf(req.headers[REQUEST_ID_HEADER]), upstream.identity.for(session, gateway.publicUrl, gateway.upstreamUrl)),
      upgrade: req.headers.upgrade ?? 'websocket',
      headersTimeout: gateway.proxy.responseTimeoutMs,
    },
    socket,
    head,
  );
  if (outcome.kind !== 'failed') return;
  const reason = upstreamFailure(outcome.error);
  runtime.log.warn({ reason, code: (outcome.error as NodeJS.ErrnoException).code, method, path, upgrade: true }, 'upstream upgrade failed');
  if (!outcome.responseStarted) refuseUpgrade(socket, reason);
}

/** A JSON refusal written on the raw socket, which is then closed. */
function refuseUpgrade(socket: Duplex, reason: RefusalReason): void {
  const { status, contentType, body } = refusal(reason, true);
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
