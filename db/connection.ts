// Opening the database: `sqlite:PATH` (embedded, better-sqlite3) or `postgres://...` (pg).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import pg from 'pg';
import { SessionCache } from './session-cache.js';
import { listenForSessionChanges } from './session-notifications.js';

export type Engine = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  engine: Engine;
  /**
   * SQLite only: a second, read-only connection for the lookups every proxied request makes
   * (its session), run synchronously without knex. In WAL mode it sees every committed write
   * and never waits for the writer; it is never part of a transaction.
   */
  reader?: BetterSqlite3.Database;
  /** PostgreSQL with `sessionCache: true`: the sessions this process served, dropped as the database announces changes. */
  sessionCache?: SessionCache;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connections in the pool (default 10). SQLite always uses one connection. */
  poolMax?: number;
  /** PostgreSQL only: the schema the tables live in (the schema must exist). */
  searchPath?: string;
  /** Where knex's own warnings go (default: the console). */
  onWarning?: (message: string) => void;
  /**
   * PostgreSQL only (serve): keep the sessions looked up in memory, listening on a connection
   * of its own for the database's announcements of changes (migration 0013). SQLite reads
   * sessions on a local read-only connection instead.
   */
  sessionCache?: boolean;
}

const DEFAULT_POOL_MAX = 10;

/** Prepared statements each SQLite connection keeps, least recently used dropped first. */
export const SQLITE_STATEMENT_CACHE_SIZE = 200;

/** The URL with any password replaced by `***`, safe for messages and logs. */
export function redactDbUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    // Not a parseable URL: hide whatever sits between "user:" and "@".
    return url.replace(/(\/\/[^/?#:@]*):[^/?#]*@/, '$1:***@');
  }
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) return openSqlite(url);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new TypeError(
    `Unsupported database URL ${JSON.stringify(redactDbUrl(url))}: ` +
      `${scheme ? `scheme "${scheme}:" is not supported` : 'no URL scheme'}; use sqlite:PATH or postgres://...`,
  );
}

async function openSqlite(url: string): Promise<Database> {
  const path = url.slice('sqlite:'.length);
  if (path === '' || path.startsWith('//')) {
    throw new TypeError(`Invalid SQLite URL ${JSON.stringify(url)}: use sqlite:PATH, e.g. sqlite:./data/doorman.sqlite or sqlite:/var/lib/doorman/db.sqlite`);
  }
  const filename = resolve(path);
  mkdirSync(dirname(filename), { recursive: true });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      afterCreate(conn: BetterSqlite3.Database, done: (err: Error | null, conn: BetterSqlite3.Database) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          cachePreparedStatements(conn, SQLITE_STATEMENT_CACHE_SIZE);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  const db = await ready(knex, 'sqlite');
  // The writer above created the file and put it in WAL mode.
  const reader = new BetterSqlite3(filename, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  return {
    ...db,
    reader,
    close: async () => {
      reader.close();
      await db.close();
    },
  };
}

/** A savepoint's SQL names its transaction (`SAVEPOINT trx12`): never the same text twice, not worth keeping. */
const ONE_OFF = /^\s*(SAVEPOINT|RELEASE|ROLLBACK\s+TO)\b/i;

/**
 * knex's better-sqlite3 dialect prepares every query anew (`connection.prepare(sql)`, then
 * `.all()` or `.run()` at once). The same SQL text gets the same compiled statement back
 * instead. Safe to share: better-sqlite3 binds parameters per call, `.all()` and `.run()`
 * finish synchronously (a statement is never in use twice at once), and SQLite re-prepares a
 * statement by itself after a schema change. knex switches safeIntegers on a statement only
 * when a query asks for it, so a statement handed out again starts from the connection's
 * default (off: openSqlite never turns it on).
 */
function cachePreparedStatements(conn: BetterSqlite3.Database, size: number): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const cached = (sql: string): BetterSqlite3.Statement => {
    if (ONE_OFF.test(sql)) return prepare(sql);
    const hit = cache.get(sql);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit.safeIntegers(false);
    }
    const statement = prepare(sql);
    cache.set(sql, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return statement;
  };
  conn.prepare = cached as BetterSqlite3.Database['prepare'];
}

/** int8 (bigint, count(*), bigserial) as a JS number; the epoch-millisecond times fit easily. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} does not fit a JS number`);
  return n;
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  pg.types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const knex = knexFactory({
    client: 'pg',
    // Fail fast while PostgreSQL is away (requests get a 503), and recover by
    // themselves when it is back: broken connections are dropped, new ones made.
    connection: { connectionString: url, connectionTimeoutMillis: 3000, keepAlive: true },
    // A pool busy with a burst queues requests; a database that refuses or does not
    // answer fails each connection attempt at once or after connectionTimeoutMillis.
    acquireConnectionTimeout: 30_000,
    ...(options.onWarning ? { log: { warn: options.onWarning, error: options.onWarning } } : {}),
    pool: { min: 0, max: options.poolMax ?? DEFAULT_POOL_MAX, idleTimeoutMillis: 30_000 },
    ...(options.searchPath ? { searchPath: options.searchPath } : {}),
  });
  const db = await ready(knex, 'postgres');
  if (!options.sessionCache) return db;
  const sessionCache = new SessionCache();
  const listener = listenForSessionChanges(url, sessionCache, options.onWarning ?? console.warn);
  await listener.ready;
  return {
    ...db,
    sessionCache,
    close: async () => {
      await listener.close();
      await db.close();
    },
  };
}

/** Checks the connection works before handing the database out. */
async function ready(knex: Knex, engine: Engine): Promise<Database> {
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy();
    throw err;
  }
  return { knex, engine, close: () => knex.destroy() };
}
