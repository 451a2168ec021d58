import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type BetterSqlite3 from 'better-sqlite3';
import { openDatabase, redactDbUrl } from '../../db/index.js';
import { SQLITE_STATEMENT_CACHE_SIZE } from '../../db/connection.js';
import { rejectionOf } from '../helpers/db.js';

describe('db connection', () => {
  describe('redactDbUrl', () => {
    it('hides the password and password-like query parameters', () => {
      expect(redactDbUrl('postgres://doorman:s3cret@db.example:5432/doorman')).to.equal('postgres://doorman:***@db.example:5432/doorman');
      expect(redactDbUrl('postgres://db.example/doorman?user=x&password=s3cret')).to.not.contain('s3cret');
      expect(redactDbUrl('postgres://doorman@db.example/doorman')).to.equal('postgres://doorman@db.example/doorman');
    });

    it('hides the password of a URL it cannot parse', () => {
      expect(redactDbUrl('weird://user:s3cret@[bad/x')).to.equal('weird://user:***@[bad/x');
    });
  });

  describe('openDatabase', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'doorman-conn-test-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('rejects an unknown scheme with a TypeError that names it and hides the password', async () => {
      const err = await rejectionOf(openDatabase('mysql://root:s3cret@localhost/doorman'));
      expect(err).to.be.instanceOf(TypeError);
      expect((err as TypeError).message).to.contain('"mysql:"').and.not.contain('s3cret');
    });

    it('rejects a URL without a scheme, an empty sqlite path and sqlite://', async () => {
      expect(await rejectionOf(openDatabase('./data/doorman.sqlite'))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(openDatabase('sqlite:'))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(openDatabase('sqlite://data/doorman.sqlite'))).to.be.instanceOf(TypeError);
    });

    it('opens sqlite:PATH, creating the parent folder, with WAL, foreign keys and a busy timeout', async () => {
      const file = join(dir, 'nested', 'deeper', 'doorman.sqlite');
      const db = await openDatabase(`sqlite:${file}`);
      try {
        expect(db.engine).to.equal('sqlite');
        expect(statSync(file).isFile()).to.equal(true);
        const pragma = async (name: string) => ((await db.knex.raw(`PRAGMA ${name}`)) as Record<string, unknown>[])[0];
        expect(await pragma('journal_mode')).to.deep.equal({ journal_mode: 'wal' });
        expect(await pragma('foreign_keys')).to.deep.equal({ foreign_keys: 1 });
        expect(await pragma('busy_timeout')).to.deep.equal({ timeout: 5000 });
      } finally {
        await db.close();
      }
    });

    it('keeps a bounded cache of prepared statements per SQLite connection, with correct results', async () => {
      const db = await openDatabase(`sqlite:${join(dir, 'cache.sqlite')}`);
      try {
        const conn = (await db.knex.client.acquireConnection()) as BetterSqlite3.Database;
        await db.knex.client.releaseConnection(conn);
        // The connection knex runs every query on hands the same statement back for the same SQL.
        expect(conn.prepare('select ? as v')).to.equal(conn.prepare('select ? as v'));
        expect(conn.prepare('SAVEPOINT trx1'), 'one-off savepoint SQL is not kept').to.not.equal(conn.prepare('SAVEPOINT trx1'));

        await db.knex.schema.createTable('cached', (t) => {
          t.integer('id').primary();
          t.text('name');
        });
        for (let id = 1; id <= 3; id++) await db.knex('cached').insert({ id, name: `n${id}` });
        const sql = db.knex('cached').where({ id: 1 }).select('name').toSQL().sql;
        const statement = conn.prepare(sql);
        for (let id = 1; id <= 3; id++) expect(await db.knex('cached').where({ id }).select('name')).to.deep.equal([{ name: `n${id}` }]);
        expect(conn.prepare(sql), 'the queries above used the cached statement').to.equal(statement);
        expect(await db.knex('cached').where({ id: 2 }).update({ name: 'two' })).to.equal(1);
        expect(await db.knex('cached').where({ id: 2 }).update({ name: 'two' }), 'a write reused').to.equal(1);
        expect(await db.knex('cached').orderBy('id').pluck('name')).to.deep.equal(['n1', 'two', 'n3']);

        // safeIntegers asked for by one query does not stick to the statement.
        const big = 'select 9007199254740993 as big';
        expect((await db.knex.raw(big).options({ safeIntegers: true }))[0].big).to.equal(9007199254740993n);
        expect(typeof (await db.knex.raw(big))[0].big).to.equal('number');

        // Bounded: the least recently used statement goes first.
        const first = conn.prepare('select 0 as v');
        const recent = conn.prepare('select 1 as v');
        for (let i = 2; i <= SQLITE_STATEMENT_CACHE_SIZE; i++) conn.prepare(`select ${i} as v`);
        expect(conn.prepare('select 1 as v'), 'still cached (used since)').to.equal(recent);
        expect(conn.prepare('select 0 as v'), 'evicted').to.not.equal(first);
        expect(await db.knex.raw('select 0 as v')).to.deep.equal([{ v: 0 }]);
      } finally {
        await db.close();
      }
    });
  });
});
