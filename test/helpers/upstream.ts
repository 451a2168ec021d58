// A stand-in for the app behind the gateway: a node:http server that echoes what it
// received as JSON, streams N bytes back, sleeps on demand, and echoes WebSocket messages.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** What the upstream answers to any path but the special ones below. */
export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Alternating names (as sent) and values. */
  rawHeaders: string[];
  bodyBytes: number;
}

export interface TestUpstream {
  url: string;
  port: number;
  /** Requests (upgrades included) that reached the upstream. */
  hits: number;
  /** TCP connections the upstream accepted. */
  connections: number;
  /** /stream responses whose client went away before the end. */
  streamsCut: number;
  /** The headers of the last WebSocket upgrade that reached the upstream. */
  lastUpgrade: IncomingHttpHeaders | undefined;
  /** Stops listening and drops every connection; `start` again on the same port brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * Paths: `/stream?bytes=N` sends N bytes; `/sleep?ms=N` waits, then echoes;
 * `/ws-refused` answers an upgrade with 403; any other upgrade is a WebSocket echo.
 */
export async function startUpstream(): Promise<TestUpstream> {
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  let server: Server | undefined;
  let port = 0;
  const upstream: TestUpstream = {
    url: '',
    port: 0,
    hits: 0,
    connections: 0,
    streamsCut: 0,
    lastUpgrade: undefined,
    async start() {
      server = createServer((req, res) => {
        upstream.hits++;
        handle(req, res).catch(() => res.destroy());
      });
      server.on('connection', () => upstream.connections++);
      server.on('upgrade', (req: IncomingMessage, socket, head) => {
        upstream.hits++;
        upstream.lastUpgrade = req.headers;
        if (req.url === '/ws-refused') {
          socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 7\r\nconnection: close\r\n\r\nrefused');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
      upstream.port = port;
      upstream.url = `http://127.0.0.1:${port}`;
    },
    async stop() {
      for (const client of wss.clients) client.terminate();
      if (!server) return;
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      server = undefined;
    },
  };
  await upstream.start();
  return upstream;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    if (url.pathname === '/stream') {
      res.once('close', () => {
        if (!res.writableFinished) upstream.streamsCut++;
      });
      return stream(res, Number(url.searchParams.get('bytes')));
    }
    return echo(req, res, url);
  }
}

async function echo(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let bodyBytes = 0;
  for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
  if (url.pathname === '/sleep') await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms'))));
  const received: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bodyBytes };
  const body = JSON.stringify(received);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'set-cookie': 'app_session=upstream; Path=/' });
  res.end(body);
}

async function stream(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
  let left = bytes;
  while (left > 0 && !res.destroyed) {
    const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
    left -= chunk.length;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

const drainedOrClosed = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
