import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleSchemaFiles } from '../policies/publish-schema.js';
import { doorman, serve } from './helpers/cli.js';
import { FIXTURES, policyDir } from './helpers/policies.js';

const VALID_ENV = { GLOBEX_OIDC_SECRET: 'globex-oidc-secret', GLOBEX_WEBHOOK_SECRET: 'globex-webhook-secret-0123456789' };

describe('doorman CLI', function () {
  this.timeout(30_000);
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'doorman-cli-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  describe('validate', () => {
    it('exits 0 on sound policies', async () => {
      const run = await doorman(['validate', join(FIXTURES, 'valid')], VALID_ENV);
      expect(run.code).to.equal(0);
      expect(run.stderr).to.match(/policies are sound \(2 accounts, version [0-9a-f]{12}\)/);
    });

    it('exits 2 and prints every problem as file:line:col: path: message', async () => {
      const dir = policyDir('invalid/base', { 'acme.yaml': readFileSync(join(FIXTURES, 'invalid/misspelled-key.yaml'), 'utf8') });
      const run = await doorman(['validate', '--policies', dir]);
      expect(run.code).to.equal(2);
      expect(run.stdout.trim().split('\n')).to.deep.equal([
        'acme.yaml:4:3: licensing.seats: is required',
        'acme.yaml:5:3: licensing.sets: is not a known key (did you mean seats?)',
      ]);
      expect(run.stderr).to.include('2 problems');
    });

    it('names a missing ${ENV} variable and never prints a secret', async () => {
      const run = await doorman(['validate', join(FIXTURES, 'valid')], { GLOBEX_OIDC_SECRET: 'the-oidc-secret-value' });
      expect(run.code).to.equal(2);
      expect(run.stdout).to.include('environment variable GLOBEX_WEBHOOK_SECRET is not set');
      expect(run.stdout + run.stderr).to.not.include('the-oidc-secret-value');
    });
  });

  it('migrate, then explain from the live database without changing it', async () => {
    const db = `sqlite:${join(tmp, 'doorman.sqlite')}`;
    const policies = join(FIXTURES, 'valid');
    const notYet = await doorman(['explain', 'ann@acme.com', '--policies', policies, '--db', db], VALID_ENV);
    expect(notYet.code).to.equal(1);
    expect(notYet.stderr).to.include('needs migrations');

    const first = await doorman(['migrate', '--policies', policies, '--db', db], VALID_ENV);
    expect(first.code).to.equal(0);
    expect(first.stdout).to.match(/^applied 0001_accounts, .* to sqlite:/);
    const second = await doorman(['migrate', '--policies', policies, '--db', db], VALID_ENV);
    expect(second.stdout).to.include('is up to date');

    const run = await doorman(['explain', 'Ann@acme.io', '--json', '--policies', policies, '--db', db], VALID_ENV);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.include({ email: 'ann@acme.io', outcome: 'not-captured', account: 'acme' });

    // globex.example is a manual domain nobody has marked verified yet.
    const globex = JSON.parse((await doorman(['explain', 'cy@globex.example', '--json', '--policies', policies, '--db', db], VALID_ENV)).stdout);
    expect(globex).to.deep.include({ outcome: 'not-captured', account: 'globex' });
    expect(globex.why).to.include('globex.example is not verified (manual): neither JIT nor domain control captures its users');

    const demo = join(FIXTURES, '../demo/policies');
    expect((await doorman(['migrate', '--policies', demo, '--db', db])).code).to.equal(0);
    const bob = await doorman(['explain', 'bob@acme.test', '--policies', demo, '--db', db]);
    expect(bob.stdout).to.include('route:    jit\nlicense:  full (standard-default-full)\n');
    expect(bob.stdout).to.include('standard program; 3 of 3 Full seats free');
  });

  it('explain refuses what is not an email address, and invalid policies with exit 2', async () => {
    expect((await doorman(['explain', 'not-an-email', '--policies', join(FIXTURES, 'valid')])).code).to.equal(2);
    expect((await doorman(['explain', 'a@b.example', '--policies', join(FIXTURES, 'invalid/base'), '--db', 'mysql://x'])).code).to.equal(1);
    const invalid = await doorman(['explain', 'a@b.example', '--policies', join(FIXTURES, 'valid')]);
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.include('nothing was started');
  });

  it('serve answers /healthz and /readyz over HTTP and stops on SIGTERM', async () => {
    const served = await serve(['--policies', join(FIXTURES, 'valid'), '--db', `sqlite:${join(tmp, 'serve.sqlite')}`], VALID_ENV);
    try {
      const health = await fetch(`${served.url}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.equal({ status: 'ok' });
      const ready = await fetch(`${served.url}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.include({ status: 'ready', database: 'ok' });
    } finally {
      expect(await served.stop()).to.equal(0);
    }
  });

  it('publishes JSON Schema files that match the schema in code (run `npm run schema` when this fails)', () => {
    expect(staleSchemaFiles()).to.deep.equal([]);
  });
});
