import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openDatabase, redactDbUrl } from '../../db/index.js';
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
  });
});
