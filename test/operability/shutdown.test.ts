// Graceful shutdown on SIGTERM: in-flight requests and streams finish, new
// connections are refused, and what outlives shutdown_timeout is cut.
import { expect } from 'chai';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepositories, openDatabase, type Database, type Repos } from '../../db/index.js';
import { serve, type Served } from '../helpers/cli.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { createTestSession } from '../helpers/session.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

describe('operability: graceful shutdown', function () {
  this.timeout(60_000);
  let tmp: string;
  let upstream: TestUpstream;
  let db: Database;
  let repos: Repos;
  let cookie: string;
  const running: Served[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'doorman-shutdown-'));
    upstream = await startUpstream();
  });

  after(async () => {
    for (const gw of running) await gw.stop();
    await db?.close();
    await upstream?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function start(name: string, shutdownTimeout: string): Promise<Served> {
    const dir = writePolicies({ public_url: 'http://gateway.test', upstream_url: upstream.url, data_dir: join(tmp, 'data'), shutdown_timeout: shutdownTimeout }, [testAccount('acme', 'acme.test')]);
    const dbUrl = `sqlite:${join(tmp, `${name}.sqlite`)}`;
    const gw = await serve(['--policies', dir, '--db', dbUrl]);
    running.push(gw);
    await db?.close();
    db = await openDatabase(dbUrl);
    repos = createRepositories(db.knex);
    cookie = `doorman_session=${(await createTestSession(repos, { accountId: 'acme', email: 'ann@acme.test', teams: ['everyone'] })).cookie}`;
    return gw;
  }

  const reachedUpstream = async (hits: number) => {
    while (upstream.hits < hits) await new Promise((r) => setTimeout(r, 10));
  };

  it('finishes a slow in-flight request and a proxied stream after SIGTERM, refuses new connections, exits 0', async () => {
    const gw = await start('graceful', '10s');
    const hits = upstream.hits;
    const slow = fetch(`${gw.url}/sleep?ms=1500`, { headers: { cookie } });
    const stream = fetch(`${gw.url}/stream?bytes=${4 * 1024 * 1024}`, { headers: { cookie } });
    await reachedUpstream(hits + 2);
    const exited = once(gw.child, 'exit');
    gw.child.kill('SIGTERM');
    await gw.waitForLog((e) => e.msg === 'shutting down: finishing in-flight requests');

    const refused = await fetch(`${gw.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(refused).to.equal('refused');
    const [slowRes, streamRes] = await Promise.all([slow, stream]);
    expect(slowRes.status).to.equal(200);
    expect(JSON.parse(await slowRes.text()).url).to.equal('/sleep?ms=1500');
    expect(streamRes.status).to.equal(200);
    expect((await streamRes.arrayBuffer()).byteLength).to.equal(4 * 1024 * 1024);
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
    expect(gw.logs.map((l) => JSON.parse(l) as { msg?: string; drained?: boolean }).find((e) => e.msg?.startsWith('stopped'))).to.include({ drained: true });
  });

  it('cuts what is still running at shutdown_timeout, then exits 0', async () => {
    const gw = await start('deadline', '1s');
    const hits = upstream.hits;
    const slow = fetch(`${gw.url}/sleep?ms=8000`, { headers: { cookie } }).then(
      async (r) => (await r.text(), r.status),
      () => 'cut',
    );
    await reachedUpstream(hits + 1);
    const started = Date.now();
    const exited = once(gw.child, 'exit');
    gw.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
    expect(Date.now() - started).to.be.within(900, 5000);
    expect(await slow).to.equal('cut');
  });
});
