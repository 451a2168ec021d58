// Policy hot reload under load: requests keep flowing while a valid and then an
// invalid change is written; the valid one is applied (and synced to the database),
// the invalid one refused with every problem logged, the last good policies serve on.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRepositories, openDatabase, type Database, type Repos } from '../../db/index.js';
import { serve, type Served } from '../helpers/cli.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { rememberSecret } from '../helpers/secrets.js';
import { createTestSession, type TestSession } from '../helpers/session.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { until } from '../helpers/until.js';

const PUBLIC = 'http://gateway.test';
const ADMIN_TOKEN = 'reload-tests-admin-token-0123456789';

interface Ready {
  status: string;
  policies: { version: string; accounts: number; reload?: { result: string; problems: string[] } };
}

describe('operability: policy hot reload', function () {
  this.timeout(60_000);
  let tmp: string;
  let dir: string;
  let upstream: TestUpstream;
  let gw: Served;
  let db: Database;
  let repos: Repos;
  let ann: TestSession;
  const gateway = () => ({
    public_url: PUBLIC,
    upstream_url: upstream.url,
    data_dir: join(tmp, 'data'),
    admin_tokens: [{ name: 'tests', sha256: createHash('sha256').update(ADMIN_TOKEN).digest('hex') }],
  });
  const acme = (seats: number) => testAccount('acme', 'acme.test', { licensing: { program: 'standard', seats: { full: seats } } });

  before(async () => {
    rememberSecret(ADMIN_TOKEN);
    tmp = mkdtempSync(join(tmpdir(), 'doorman-reload-'));
    upstream = await startUpstream();
    dir = writePolicies(gateway(), [acme(5)]);
    const dbUrl = `sqlite:${join(tmp, 'gw.sqlite')}`;
    gw = await serve(['--policies', dir, '--db', dbUrl]);
    db = await openDatabase(dbUrl);
    repos = createRepositories(db.knex);
    ann = await createTestSession(repos, { accountId: 'acme', email: 'ann@acme.test', teams: ['everyone'] });
  });

  after(async () => {
    await gw?.stop();
    await db?.close();
    await upstream?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const ready = async (): Promise<Ready> => (await (await fetch(`${gw.url}/readyz`)).json()) as Ready;

  /** Proxied requests, a few always in flight (each sleeps upstream), until stopped. */
  function load() {
    const statuses: number[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const res = await fetch(`${gw.url}/sleep?ms=80`, { headers: { cookie: `doorman_session=${ann.cookie}` } });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    return {
      statuses,
      async stop() {
        running = false;
        await Promise.all(workers);
        return statuses;
      },
    };
  }

  it('applies a valid change and refuses an invalid one while requests are in flight; none fails', async () => {
    const first = await ready();
    expect(first.status).to.equal('ready');
    const traffic = load();
    await until(async () => traffic.statuses.length >= 4, 'traffic');

    // A valid change: seats 5 -> 9, picked up by the folder watcher.
    writeFileSync(join(dir, 'acme.yaml'), stringify(acme(9)));
    await until(async () => (await ready()).policies.version !== first.policies.version, 'the valid change');
    expect((await repos.seats.usage('acme')).total).to.equal(9);
    const applied = await ready();
    expect(applied.status).to.equal('ready');

    // An invalid change: refused, every problem logged with file:line:col, the old version serves on.
    writeFileSync(join(dir, 'acme.yaml'), stringify({ ...acme(7), licensing: { program: 'standard', sets: { full: 7 } } }));
    await until(async () => (await ready()).status === 'degraded', 'the invalid change to be refused');
    const degraded = await ready();
    expect(degraded.policies.version).to.equal(applied.policies.version);
    expect(degraded.policies.reload?.result).to.equal('invalid');
    expect(degraded.policies.reload?.problems.join('\n')).to.match(/acme\.yaml:\d+:\d+: licensing\.sets: is not a known key/);
    const logged = await gw.waitForLog((e) => e.reason === 'policy-invalid');
    expect(String(logged.problem)).to.match(/acme\.yaml:\d+:\d+: /);
    expect((await repos.seats.usage('acme')).total).to.equal(9);

    const statuses = await traffic.stop();
    expect(statuses.length).to.be.greaterThan(8);
    expect(statuses.filter((s) => s !== 200)).to.deep.equal([]);
    expect((await fetch(`${gw.url}/hello`, { headers: { cookie: `doorman_session=${ann.cookie}` } })).status).to.equal(200);
  });

  it('SIGHUP reloads too, and a good version ends the degraded state', async () => {
    // Written with the watcher racing SIGHUP: reloads run one at a time, both see the same folder.
    writeFileSync(join(dir, 'acme.yaml'), stringify(acme(4)));
    gw.child.kill('SIGHUP');
    await until(async () => (await ready()).status === 'ready', 'the good version');
    expect((await repos.seats.usage('acme')).total).to.equal(4);
    const { version } = (await ready()).policies;
    await gw.waitForLog((e) => e.reason === 'policy-reloaded' && e.version === version);

    gw.child.kill('SIGHUP');
    const metrics = async () => (await (await fetch(`${gw.url}/metrics`)).text());
    await until(async () => /doorman_policy_reloads_total\{result="unchanged"\} [1-9]/.test(await metrics()), 'the unchanged reload to be counted');
    const text = await metrics();
    expect(text).to.match(/doorman_policy_reloads_total\{result="applied"\} [2-9]/);
    expect(text).to.match(/doorman_policy_reloads_total\{result="invalid"\} [1-9]/);
  });

  it('records the version in force with each license decision', async () => {
    const { version } = (await ready()).policies;
    const bob = await createTestSession(repos, { accountId: 'acme', email: 'bob@acme.test', teams: ['everyone'] });
    const res = await fetch(`${gw.url}/admin/api/users/${bob.userId}/deactivate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).to.equal(200);
    const decision = await db.knex('license_decisions').where({ user_id: bob.userId, reason: 'deactivated' }).first();
    expect(decision.policy_version).to.equal(version);
    expect((await repos.accounts.get('acme'))?.policyVersion).to.equal(version);
  });
});
