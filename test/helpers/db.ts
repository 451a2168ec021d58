// Runs a repository contract suite on every engine: SQLite always (temporary files),
// PostgreSQL when DOORMAN_TEST_PG_URL is set (a schema of its own per test, dropped after).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepositories, migrate, openDatabase, type AccountSnapshot, type Database, type Engine, type Repos } from '../../db/index.js';

const PG_URL_ENV = 'DOORMAN_TEST_PG_URL';

export interface EngineFixture {
  readonly engine: Engine;
  /** The current test's fresh, migrated database (use inside tests and hooks only). */
  readonly db: Database;
  readonly repos: Repos;
}

/** How one engine hands out fresh databases. */
interface EngineLifecycle {
  /** Once per suite; false skips the suite. */
  setUp(): Promise<boolean>;
  /** A fresh, empty database and how to get rid of it. */
  create(): Promise<{ db: Database; dispose(): Promise<void> }>;
  tearDown(): Promise<void>;
}

function sqliteLifecycle(): EngineLifecycle {
  let dir: string | undefined;
  let n = 0;
  return {
    async setUp() {
      dir = mkdtempSync(join(tmpdir(), 'doorman-db-test-'));
      return true;
    },
    async create() {
      if (!dir) throw new Error('sqlite test folder missing');
      const db = await openDatabase(`sqlite:${join(dir, `t${++n}.sqlite`)}`);
      return { db, dispose: () => db.close() };
    },
    async tearDown() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let pgSkipNoticePrinted = false;

function postgresLifecycle(): EngineLifecycle {
  const url = process.env[PG_URL_ENV];
  let admin: Database | undefined;
  return {
    async setUp() {
      if (!url) {
        // CI sets DOORMAN_TEST_REQUIRE_PG: there a missing PostgreSQL is a failure, not a skip.
        if (process.env.DOORMAN_TEST_REQUIRE_PG) throw new Error(`${PG_URL_ENV} must be set: the PostgreSQL suites are mandatory here`);
        if (!pgSkipNoticePrinted) console.log(`PostgreSQL suite skipped: ${PG_URL_ENV} is not set`);
        pgSkipNoticePrinted = true;
        return false;
      }
      admin = await openDatabase(url, { poolMax: 2 });
      return true;
    },
    async create() {
      if (!url || !admin) throw new Error('PostgreSQL suite not set up');
      const owner = admin;
      const schema = `doorman_t_${process.pid}_${randomBytes(4).toString('hex')}`;
      await owner.knex.raw('CREATE SCHEMA ??', [schema]);
      const dropSchema = async () => {
        await owner.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      };
      try {
        // A pool of 10 so that concurrent transactions really run side by side.
        const db = await openDatabase(url, { searchPath: schema, poolMax: 10 });
        return {
          db,
          async dispose() {
            await db.close();
            await dropSchema();
          },
        };
      } catch (err) {
        await dropSchema();
        throw err;
      }
    },
    async tearDown() {
      await admin?.close();
    },
  };
}

function describeEngine(engine: Engine, lifecycle: EngineLifecycle, body: (t: EngineFixture) => void): void {
  describe(engine, function () {
    let current: { db: Database; repos: Repos; dispose(): Promise<void> } | undefined;
    const use = () => {
      if (!current) throw new Error('no database outside a test');
      return current;
    };
    const fixture: EngineFixture = {
      engine,
      get db() {
        return use().db;
      },
      get repos() {
        return use().repos;
      },
    };

    before(async function () {
      if (!(await lifecycle.setUp())) this.skip();
    });
    beforeEach(async function () {
      const { db, dispose } = await lifecycle.create();
      try {
        await migrate(db.knex);
      } catch (err) {
        await dispose();
        throw err;
      }
      current = { db, repos: createRepositories(db.knex, db), dispose };
    });
    afterEach(async function () {
      const done = current;
      current = undefined;
      await done?.dispose();
    });
    after(async function () {
      await lifecycle.tearDown();
    });

    body(fixture);
  });
}

/** Declares the suite once per engine; each test gets a fresh, migrated database. */
export function forEachEngine(body: (t: EngineFixture) => void): void {
  describeEngine('sqlite', sqliteLifecycle(), body);
  describeEngine('postgres', postgresLifecycle(), body);
}

/** An account snapshot as the policy loader would give it; `overrides` replace fields. */
export function accountSnapshot(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    id: 'acme',
    name: 'Acme',
    program: 'standard',
    defaultLicense: null,
    seatsFull: 5,
    teams: [
      { id: 'everyone', name: 'Everyone', isDefault: true },
      { id: 'eng', name: 'Engineering', isDefault: false },
    ],
    ...overrides,
  };
}

/** The error the promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, it resolved');
}
