// Sessions kept in memory on PostgreSQL: served without a query, dropped when any process
// changes them (the database announces it), never served while the announcements cannot be heard.
import { expect } from 'chai';
import { createRepositories, migrate, openDatabase, type Database, type Repos, type Session } from '../../db/index.js';
import { SessionCache } from '../../db/session-cache.js';
import { LISTENER_NAME } from '../../db/session-notifications.js';
import { accountSnapshot } from '../helpers/db.js';
import { gatewayDb, type GatewayDb } from '../helpers/gateway-db.js';
import { createTestSession } from '../helpers/session.js';
import { until } from '../helpers/until.js';

const session = (idHash: string, userId: string): Session => ({ idHash, userId, accountId: 'acme', createdAt: 1, lastSeenAt: 1, expiresAt: 2, data: null });

describe('session cache', () => {
  describe('in memory', () => {
    it('keeps what was read, unless something changed while it was read', () => {
      const cache = new SessionCache();
      cache.resume();
      const mark = cache.mark();
      cache.keep(mark, session('a', 'ann'));
      expect(cache.get('a')?.userId).to.equal('ann');
      const stale = cache.mark();
      cache.forget('b');
      cache.keep(stale, session('c', 'ann'));
      expect(cache.get('c'), 'read before a change: not kept').to.equal(undefined);
    });

    it('forgets one session, or every session of a user', () => {
      const cache = new SessionCache();
      cache.resume();
      for (const [id, user] of [['a', 'ann'], ['b', 'ann'], ['c', 'bob']]) cache.keep(cache.mark(), session(id, user));
      cache.forget('c');
      expect(cache.get('c')).to.equal(undefined);
      cache.forgetUser('ann');
      expect([cache.get('a'), cache.get('b'), cache.size]).to.deep.equal([undefined, undefined, 0]);
    });

    it('serves and keeps nothing while suspended, and starts empty when resumed', () => {
      const cache = new SessionCache();
      cache.keep(cache.mark(), session('a', 'ann'));
      expect(cache.size, 'not listening yet').to.equal(0);
      cache.resume();
      cache.keep(cache.mark(), session('a', 'ann'));
      cache.suspend();
      expect(cache.get('a')).to.equal(undefined);
      cache.resume();
      expect(cache.get('a')).to.equal(undefined);
    });

    it('holds at most its capacity, dropping the oldest', () => {
      const cache = new SessionCache(2);
      cache.resume();
      for (const id of ['a', 'b', 'c']) cache.keep(cache.mark(), session(id, 'ann'));
      expect([cache.get('a'), cache.get('b')?.idHash, cache.get('c')?.idHash]).to.deep.equal([undefined, 'b', 'c']);
    });
  });

  describe('on PostgreSQL, across processes', function () {
    let gdb: GatewayDb;
    let mine: Database;
    let other: Database;
    let repos: Repos;
    let otherRepos: Repos;
    let queries = 0;
    const countQueries = () => {
      queries += 1;
    };

    before(async function () {
      if (!process.env.DOORMAN_TEST_PG_URL) {
        if (process.env.DOORMAN_TEST_REQUIRE_PG) throw new Error('DOORMAN_TEST_PG_URL must be set');
        this.skip();
      }
      gdb = await gatewayDb('postgres');
      other = await openDatabase(gdb.url);
      await migrate(other.knex);
      otherRepos = createRepositories(other.knex, other);
      await otherRepos.accounts.sync([accountSnapshot()], 'v1', Date.now());
      mine = await openDatabase(gdb.url, { sessionCache: true, onWarning: () => undefined });
      repos = createRepositories(mine.knex, mine);
      mine.knex.on('query', countQueries);
    });

    after(async () => {
      await mine?.close();
      await other?.close();
      await gdb?.dispose();
    });

    it('serves a session it read again without a query', async () => {
      const s = await createTestSession(otherRepos, { accountId: 'acme', email: 'ann@acme.test' });
      expect(await repos.sessions.find(s.idHash)).to.include({ userId: s.userId });
      const before = queries;
      expect(await repos.sessions.find(s.idHash)).to.include({ userId: s.userId });
      expect(queries - before).to.equal(0);
    });

    it("drops a session another process ended or changed, on the database's word", async () => {
      const ended = await createTestSession(otherRepos, { accountId: 'acme', email: 'bob@acme.test' });
      const changed = await createTestSession(otherRepos, { accountId: 'acme', email: 'cy@acme.test', license: 'free' });
      await repos.sessions.find(ended.idHash);
      await repos.sessions.find(changed.idHash);
      await otherRepos.sessions.delete(ended.idHash);
      await otherRepos.sessions.updateDataForUser(changed.userId, { license: 'full' });
      await until(async () => (await repos.sessions.find(ended.idHash)) === null, 'the ended session is gone');
      await until(async () => (await repos.sessions.find(changed.idHash))?.data?.license === 'full', 'the change is seen');
    });

    it('drops at once what this process itself ends', async () => {
      const s = await createTestSession(otherRepos, { accountId: 'acme', email: 'dee@acme.test' });
      await repos.sessions.find(s.idHash);
      await repos.sessions.deleteForUser(s.userId);
      expect(await repos.sessions.find(s.idHash)).to.equal(null);
    });

    it('reads the database while it cannot hear the announcements, and listens again by itself', async () => {
      const s = await createTestSession(otherRepos, { accountId: 'acme', email: 'eve@acme.test' });
      await repos.sessions.find(s.idHash);
      await other.knex.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?', [LISTENER_NAME]);
      await until(async () => !mine.sessionCache?.listening, 'the cache is suspended');
      const before = queries;
      await repos.sessions.find(s.idHash);
      await repos.sessions.find(s.idHash);
      expect(queries - before, 'every lookup reads the database').to.equal(2);
      await until(async () => mine.sessionCache?.listening === true, 'the cache listens again');
      await repos.sessions.find(s.idHash);
      const again = queries;
      await repos.sessions.find(s.idHash);
      expect(queries - again).to.equal(0);
    });
  });
});
