// The PostgreSQL connection a gateway process listens on for session changes
// (migration 0013). It feeds SessionCache: each announcement drops one session; while the
// connection is down the cache is suspended, and it is reopened with backoff. A connection
// that goes silent without closing (a network partition) is found by a heartbeat query
// every few seconds: a process never serves from memory for long what it cannot hear about.
import pg from 'pg';
import { SESSION_CHANNEL } from './migrations/0013_session_notify.js';
import type { SessionCache } from './session-cache.js';

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 10_000;
export const HEARTBEAT_MS = 3_000;
/** How the listening connection shows in pg_stat_activity. */
export const LISTENER_NAME = 'doorman-session-listener';
const HEARTBEAT_TIMEOUT_MS = 2_000;

export interface SessionListener {
  /** Resolves once the first attempt to listen has succeeded or failed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function listenForSessionChanges(connectionString: string, cache: SessionCache, onWarning: (message: string) => void): SessionListener {
  let current: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = FIRST_RETRY_MS;

  const heartbeat = setInterval(() => {
    const client = current;
    if (!client || !cache.listening) return;
    const late = setTimeout(() => lost(client, 'heartbeat unanswered'), HEARTBEAT_TIMEOUT_MS);
    client.query('SELECT 1').then(
      () => clearTimeout(late),
      (err: Error) => {
        clearTimeout(late);
        lost(client, err.message);
      },
    );
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const lost = (client: pg.Client, why: string) => {
    if (client !== current) return;
    current = undefined;
    cache.suspend();
    client.end().catch(() => undefined);
    if (closed) return;
    onWarning(`session change notifications lost (${why}); sessions are read from the database until they are back`);
    retry = setTimeout(() => void listen(), delay);
    delay = Math.min(delay * 2, LAST_RETRY_MS);
  };

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000, keepAlive: true, application_name: LISTENER_NAME });
    current = client;
    client.on('notification', (message) => {
      if (message.channel === SESSION_CHANNEL && message.payload) cache.forget(message.payload);
    });
    client.on('error', (err: Error) => lost(client, err.message));
    client.on('end', () => lost(client, 'connection closed'));
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch (err) {
      lost(client, (err as Error).message);
      return;
    }
    if (client !== current) {
      // Closed meanwhile.
      await client.end().catch(() => undefined);
      return;
    }
    delay = FIRST_RETRY_MS;
    cache.resume();
  };

  return {
    ready: listen(),
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const client = current;
      current = undefined;
      cache.suspend();
      await client?.end().catch(() => undefined);
    },
  };
}
