// Login sessions. The key is the SHA-256 of the cookie value; the cookie itself is never stored.
import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import type { SessionCache } from '../session-cache.js';

export type SessionData = { [key: string]: unknown };

export interface Session {
  idHash: string;
  userId: string;
  accountId: string;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end, however active the session is. */
  expiresAt: number;
  data: SessionData | null;
}

export type NewSession = Omit<Session, 'lastSeenAt'>;

export interface SessionsRepository {
  create(session: NewSession): Promise<Session>;
  /** The stored session, expired or not: checking expiry is the caller's (it knows the idle timeout). */
  find(idHash: string): Promise<Session | null>;
  /** Records activity; false when the session is gone. */
  touch(idHash: string, now: number): Promise<boolean>;
  delete(idHash: string): Promise<boolean>;
  /** Logs the user out everywhere; returns how many sessions ended. */
  deleteForUser(userId: string): Promise<number>;
  /** Merges `change` into the data of every session of the user (e.g. a new license); returns how many. */
  updateDataForUser(userId: string, change: SessionData): Promise<number>;
  /** Deletes sessions past their absolute end or idle for idleTimeoutMs or more; returns how many. */
  deleteExpired(now: number, idleTimeoutMs: number): Promise<number>;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  account_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  data: string | null;
}

const toSession = (r: SessionRow): Session => ({
  idHash: r.id_hash,
  userId: r.user_id,
  accountId: r.account_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  data: r.data === null ? null : (JSON.parse(r.data) as SessionData),
});

const SESSION_COLUMNS = 'id_hash, user_id, account_id, created_at, last_seen_at, expires_at, data';

export interface SessionLookups {
  /** SQLite: find() is one prepared statement on this read-only connection instead of a knex query. */
  reader?: BetterSqlite3.Database;
  /** find() outside transactions is served from it; every write drops what it keeps of the sessions written. */
  cache?: SessionCache;
}

/** Every proxied request makes a find(): see SessionLookups for how it avoids knex. */
export function sessionsRepository(knex: Knex, { reader, cache }: SessionLookups = {}): SessionsRepository {
  const sessions = () => knex<SessionRow>('sessions');
  const cached = cache && !knex.isTransaction ? cache : undefined;
  /** A write drops the sessions it changes before it starts and, in case a lookup kept them meanwhile, once it is done. */
  const changing = async <T>(forget: (cache: SessionCache) => void, write: () => Promise<T>): Promise<T> => {
    if (cache) forget(cache);
    try {
      return await write();
    } finally {
      if (cache) forget(cache);
    }
  };
  let findStatement: BetterSqlite3.Statement<[string], SessionRow> | undefined;
  const findOnReader = (db: BetterSqlite3.Database, idHash: string): SessionRow | undefined =>
    (findStatement ??= db.prepare<[string], SessionRow>(`select ${SESSION_COLUMNS} from sessions where id_hash = ?`)).get(idHash);
  return {
    async create(s) {
      const row: SessionRow = {
        id_hash: s.idHash,
        user_id: s.userId,
        account_id: s.accountId,
        created_at: s.createdAt,
        last_seen_at: s.createdAt,
        expires_at: s.expiresAt,
        data: s.data === null ? null : JSON.stringify(s.data),
      };
      await sessions().insert(row);
      return toSession(row);
    },

    async find(idHash) {
      const hit = cached?.get(idHash);
      if (hit) return hit;
      const mark = cached?.mark();
      const row = reader ? findOnReader(reader, idHash) : await sessions().where({ id_hash: idHash }).first();
      if (!row) return null;
      const session = toSession(row);
      if (mark !== undefined) cached?.keep(mark, session);
      return session;
    },

    async touch(idHash, now) {
      return changing((c) => c.forget(idHash), async () => (await sessions().where({ id_hash: idHash }).update({ last_seen_at: now })) > 0);
    },

    async delete(idHash) {
      return changing((c) => c.forget(idHash), async () => (await sessions().where({ id_hash: idHash }).delete()) > 0);
    },

    async deleteForUser(userId) {
      return changing((c) => c.forgetUser(userId), () => sessions().where({ user_id: userId }).delete());
    },

    async updateDataForUser(userId, change) {
      return changing((c) => c.forgetUser(userId), () => updateData(userId, change));
    },

    async deleteExpired(now, idleTimeoutMs) {
      return sessions().where('expires_at', '<=', now).orWhere('last_seen_at', '<=', now - idleTimeoutMs).delete();
    },
  };

  async function updateData(userId: string, change: SessionData): Promise<number> {
    const rows = await sessions().where({ user_id: userId }).select('id_hash', 'data');
    for (const r of rows) {
      const data = r.data === null ? {} : (JSON.parse(r.data) as SessionData);
      await sessions().where({ id_hash: r.id_hash }).update({ data: JSON.stringify({ ...data, ...change }) });
    }
    return rows.length;
  }
}
