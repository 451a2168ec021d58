import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { openForPolicies, prepareDatabase, syncPolicies } from '../boot.js';
import { createLogger } from '../log.js';
import { attachWebSocketProxy, createUpstream } from '../proxy/index.js';
import { createPolicyStore } from '../reload.js';
import { resolveSession, sessionCookieOf } from '../session.js';
import { drain } from '../shutdown.js';
import { startSweeper } from '../sweeper.js';
import { startRequestDelivery } from '../request-delivery.js';
import type { CommonFlags } from '../settings.js';
import { policiesOrExit } from './load.js';

export async function serveCommand(flags: CommonFlags & { port?: number }): Promise<number> {
  const log = createLogger();
  const policies = policiesOrExit(flags);
  const opened = await openForPolicies(policies, flags, {
    onWarning: (message) => log.warn({ reason: 'database-warning', detail: message }, 'database warning'),
    // PostgreSQL: sessions kept in memory, dropped as the database announces changes.
    sessionCache: true,
  });
  const applied = await prepareDatabase(opened, policies);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');

  // Hot reload (SIGHUP, file changes) swaps what runtime.policies() returns.
  const store = createPolicyStore({ initial: policies, log, sync: (next) => syncPolicies(opened.repos, next) });
  const runtime = { policies: store.current, reloadStatus: store.status, db: opened.db, repos: opened.repos, log };
  const upstream = createUpstream(runtime);
  const app = createApp(runtime, upstream);
  const stopSweeper = startSweeper(runtime);
  const stopRequestDelivery = startRequestDelivery(runtime);
  const server = createServer(app.callback());
  attachWebSocketProxy(server, runtime, {
    upstream,
    resolveSession: async (req) => {
      const value = sessionCookieOf(req, runtime.policies().gateway.session.cookieName);
      return value ? resolveSession(runtime, value) : undefined;
    },
  });
  const { host } = policies.gateway.listen;
  server.listen(flags.port ?? policies.gateway.listen.port, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log.info({ url: `http://${host}:${port}`, publicUrl: policies.gateway.publicUrl, database: opened.url, policyVersion: policies.version }, 'doorman listening');

  const stopWatching = store.watchFolder();
  const onHangup = () => void store.reload('sighup');
  process.on('SIGHUP', onHangup);

  const signal = await Promise.race(['SIGTERM', 'SIGINT'].map((s) => once(process, s).then(() => s)));
  const { shutdownTimeoutMs } = runtime.policies().gateway;
  log.info({ signal, timeoutMs: shutdownTimeoutMs }, 'shutting down: finishing in-flight requests');
  process.off('SIGHUP', onHangup);
  stopWatching();
  stopSweeper();
  stopRequestDelivery();
  // Open WebSocket tunnels are cut at the deadline.
  // Once only: a second Agent.close() while the first waits never settles.
  let closing: Promise<void> | undefined;
  const closeUpstream = () => (closing ??= upstream.close());
  const drained = await drain(server, shutdownTimeoutMs, () => void closeUpstream().catch(() => undefined));
  await closeUpstream();
  await opened.db.close();
  log.info({ drained }, drained ? 'stopped: every request finished' : 'stopped: requests still running at the deadline were cut');
  return 0;
}
