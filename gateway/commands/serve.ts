import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { openForPolicies, prepareDatabase } from '../boot.js';
import { createLogger } from '../log.js';
import { attachWebSocketProxy, createUpstream } from '../proxy/index.js';
import { resolveSession, sessionCookieOf } from '../session.js';
import { startSweeper } from '../sweeper.js';
import type { CommonFlags } from '../settings.js';
import { policiesOrExit } from './load.js';

export async function serveCommand(flags: CommonFlags & { port?: number }): Promise<number> {
  const log = createLogger();
  const policies = policiesOrExit(flags);
  const opened = await openForPolicies(policies, flags);
  const applied = await prepareDatabase(opened, policies);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');

  const runtime = { policies: () => policies, db: opened.db, repos: opened.repos, log };
  const upstream = createUpstream(runtime);
  const app = createApp(runtime, upstream);
  const stopSweeper = startSweeper(runtime);
  const server = createServer(app.callback());
  attachWebSocketProxy(server, runtime, {
    upstream,
    resolveSession: async (req) => {
      const value = sessionCookieOf(req, policies.gateway.session.cookieName);
      return value ? resolveSession(runtime, value) : undefined;
    },
  });
  const { host } = policies.gateway.listen;
  server.listen(flags.port ?? policies.gateway.listen.port, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log.info({ url: `http://${host}:${port}`, publicUrl: policies.gateway.publicUrl, database: opened.url, policyVersion: policies.version }, 'doorman listening');

  const signal = await Promise.race(['SIGTERM', 'SIGINT'].map((s) => once(process, s).then(() => s)));
  log.info({ signal }, 'shutting down');
  stopSweeper();
  server.close();
  server.closeAllConnections();
  // Open WebSocket tunnels would keep the process alive.
  await upstream.close();
  await opened.db.close();
  return 0;
}
