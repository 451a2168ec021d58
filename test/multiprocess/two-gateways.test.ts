// Several gateway processes on one PostgreSQL: logins that cross processes,
// replays refused everywhere, sessions shared, seats never over-allocated, a
// process killed mid-provisioning, and a database that goes away and returns.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { openDatabase, type Database } from '../../db/index.js';
import { Client } from '../helpers/browser-ish.js';
import { serve, type Served } from '../helpers/cli.js';
import { gatewayDb, type GatewayDb } from '../helpers/gateway-db.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { startTcpRelay } from '../helpers/tcp-proxy.js';
import { formFields } from '../saml/helpers/flow.js';
import { freePort, samlConnection } from '../saml/helpers/gateway.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (db: Database, table: string, where: Record<string, unknown> = {}) => Number((await db.knex(table).where(where).count({ n: '*' }))[0].n);

describe('many gateways, one PostgreSQL', function () {
  this.timeout(180_000);
  let database: GatewayDb;
  let db: Database;
  let idp: DemoIdpServer;
  let publicUrl: string;
  let policies: string;
  let a: Served;
  let b: Served;

  before(async function () {
    if (!process.env.DOORMAN_TEST_PG_URL) {
      if (process.env.DOORMAN_TEST_REQUIRE_PG) throw new Error('DOORMAN_TEST_PG_URL must be set: the PostgreSQL suites are mandatory here');
      console.log('    skipped: DOORMAN_TEST_PG_URL is not set (these tests need PostgreSQL)');
      return this.skip();
    }
    database = await gatewayDb('postgres');
    const portA = await freePort();
    publicUrl = `http://127.0.0.1:${portA}`;
    idp = await startDemoIdp({ port: 0, trustedSp: `${publicUrl}/` });
    const at = { entityId: idp.idp.entityId, ssoUrl: `${idp.url}/sso` };
    policies = writePolicies({ public_url: publicUrl, upstream_url: 'http://127.0.0.1:9', database: { pool_max: 10 }, rate_limits: { login: { per_client: 100000 } } }, [
      testAccount('acme', 'acme.test', {
        domains: [{ name: 'acme.test', control: 'off', verification: { method: 'manual', verified: true } }],
        connections: [samlConnection('acme-saml', at, { idp_initiated: true }, { jit: true })],
      }),
      testAccount('crowd', 'crowd.test', { licensing: { program: 'standard', seats: { full: 200 } } }),
      testAccount('killco', 'killco.test', { licensing: { program: 'standard', seats: { full: 50 } } }),
    ]);
    a = await serve(['--policies', policies, '--db', database.url, '--port', String(portA)]);
    b = await serve(['--policies', policies, '--db', database.url]);
    db = await openDatabase(database.url, { poolMax: 2 });
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.close();
    await idp?.close();
    await database?.dispose();
  });

  /** The SAML form post the IdP's page makes after signing in at `startOn`. */
  async function samlLoginPost(startOn: Served, user: string) {
    const browser = new Client(startOn.url, publicUrl);
    const start = await browser.request('/sso/saml/acme-saml/login?return_to=/x');
    const idpUrl = start.headers.get('location')!;
    const login = formFields(await (await fetch(idpUrl)).text());
    const answer = await fetch(new URL(login.action, idpUrl), { method: 'POST', body: new URLSearchParams({ ...login.fields, user }) });
    return { post: formFields(await answer.text()), idpOrigin: new URL(idpUrl).origin };
  }

  it('a SAML login started on A finishes on B; the session works on A; a logout on B ends it on A', async () => {
    const { post, idpOrigin } = await samlLoginPost(a, 'alice@acme.test');
    const onB = new Client(b.url, publicUrl);
    const acs = await onB.request(new URL(post.action).pathname, { form: post.fields, headers: { origin: idpOrigin } });
    expect(acs.status).to.equal(302);
    expect(acs.headers.get('location')).to.equal('/x');

    const onA = new Client(a.url, publicUrl);
    onA.cookies.set('doorman_session', onB.cookies.get('doorman_session')!);
    expect(await (await onA.request('/me')).json()).to.deep.include({ email: 'alice@acme.test', account: 'acme' });
    expect((await onB.request('/sso/logout', { method: 'POST' })).status).to.equal(302);
    // A keeps the session in memory until PostgreSQL announces the change (LISTEN/NOTIFY): moments.
    await until(async () => (await onA.request('/me')).status === 401, 'the session ends on A', { timeoutMs: 5_000 });
  });

  it('an assertion accepted on A is refused as a replay on B', async () => {
    const { post, idpOrigin } = await samlLoginPost(a, 'bob@acme.test');
    const path = new URL(post.action).pathname;
    expect((await new Client(a.url, publicUrl).request(path, { form: post.fields, headers: { origin: idpOrigin } })).status).to.equal(302);
    const replay = await new Client(b.url, publicUrl).request(path, { form: post.fields, headers: { origin: idpOrigin } });
    expect(replay.status).to.be.within(400, 499);
    await b.waitForLog((e) => e.reason === 'saml-assertion-replayed' || e.reason === 'saml-unknown-in-response-to');
  });

  /** Sign-up links as the mail would carry them, written straight into the shared database. */
  async function signupTokens(domain: string, n: number, prefix = 'p'): Promise<string[]> {
    const now = Date.now();
    const tokens = Array.from({ length: n }, () => randomBytes(24).toString('base64url'));
    await db.knex.batchInsert(
      'signup_tokens',
      tokens.map((t, i) => ({ token_hash: createHash('sha256').update(t).digest('hex'), email: `${prefix}${i}@${domain}`, return_to: '/', created_at: now, expires_at: now + 600_000 })),
      100,
    );
    return tokens;
  }
  const verify = (gw: Served, token: string) =>
    fetch(`${gw.url}/sso/verify`, { method: 'POST', redirect: 'manual', headers: { origin: publicUrl, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` }).then((r) => r.status);

  it('500 concurrent first logins over both processes, 200 Full seats: exactly 200 full and 300 free_restricted', async () => {
    const tokens = await signupTokens('crowd.test', 500);
    const statuses = await Promise.all(tokens.map((t, i) => verify(i % 2 ? a : b, t)));
    expect(statuses.filter((s) => s !== 302)).to.deep.equal([]);
    expect(await count(db, 'users', { account_id: 'crowd' })).to.equal(500);
    expect(await count(db, 'licenses', { account_id: 'crowd', license: 'full' })).to.equal(200);
    expect(await count(db, 'licenses', { account_id: 'crowd', license: 'free_restricted' })).to.equal(300);
    expect(await db.knex('seat_counters').where({ account_id: 'crowd' }).first()).to.deep.include({ total: 200, used: 200 });
    for (const gw of [a, b]) expect(gw.logs.filter((l) => l.includes('"level":50'))).to.deep.equal([]);
  });

  it('a process killed with SIGKILL in the middle of provisioning leaves no half-created user', async () => {
    const c = await serve(['--policies', policies, '--db', database.url]);
    const tokens = await signupTokens('killco.test', 1000);
    const requests = tokens.map((t) => verify(c, t).catch(() => undefined));
    // Kill it once provisioning is well under way, judged by the database, not by answers.
    while ((await count(db, 'users', { account_id: 'killco' })) < 20) await sleep(2);
    c.child.kill('SIGKILL');
    await Promise.all(requests);
    const users = await db.knex('users').where({ account_id: 'killco' }).select('id');
    expect(users.length).to.be.within(20, 999);
    // Every user the killed process created is whole: license, membership, identity, decision.
    const ids = users.map((u) => u.id as string);
    for (const table of ['licenses', 'team_memberships', 'identities', 'license_decisions']) {
      expect(Number((await db.knex(table).whereIn('user_id', ids).count({ n: '*' }))[0].n), table).to.equal(users.length);
    }
    expect(await count(db, 'license_decisions', { account_id: 'killco' })).to.equal(users.length);
    const full = await count(db, 'licenses', { account_id: 'killco', license: 'full' });
    expect((await db.knex('seat_counters').where({ account_id: 'killco' }).first()).used).to.equal(full);
  });

  it('survives PostgreSQL going away: 503 fast while it is down, /readyz says so, recovery without a restart', async () => {
    const target = new URL(process.env.DOORMAN_TEST_PG_URL!);
    const relay = await startTcpRelay({ host: target.hostname, port: Number(target.port || 5432) });
    const viaRelay = new URL(database.url);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    const d = await serve(['--policies', policies, '--db', viaRelay.toString()]);
    try {
      const [token] = await signupTokens('crowd.test', 1, 'relay');
      const browser = new Client(d.url, publicUrl);
      const signedIn = await browser.request('/sso/verify', { form: { token } });
      expect(signedIn.status).to.equal(302);
      expect((await browser.request('/me')).status).to.equal(200);

      await relay.down();
      const started = Date.now();
      // Until the gateway notices its connections are gone, the session may still come from memory.
      const meNow = () => browser.request('/me', { headers: { accept: 'application/json' } });
      let me = await meNow();
      if (me.status === 200) await until(async () => (me = await meNow()).status !== 200, 'the outage is noticed', { timeoutMs: 5_000 });
      expect(me.status).to.equal(503);
      expect(me.headers.get('retry-after')).to.equal('5');
      const ready = await fetch(`${d.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.include({ status: 'not-ready', database: 'unreachable' });
      expect(Date.now() - started).to.be.below(15_000);
      expect((await fetch(`${d.url}/healthz`)).status).to.equal(200);

      await relay.up();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await fetch(`${d.url}/readyz`)).status;
        if (status !== 200) await sleep(200);
      }
      expect(status).to.equal(200);
      expect((await browser.request('/me')).status).to.equal(200);
    } finally {
      await d.stop();
      await relay.close();
    }
  });
});
