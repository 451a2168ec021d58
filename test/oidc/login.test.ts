// The OIDC relying party against a real oidc-provider over real HTTP: a real gateway
// process, the provider in this process, a fetch-driven browser.
import { expect } from 'chai';
import { Browser } from './helpers/browser.js';
import { freePort, oidcConnection, startGateway, type TestGateway } from './helpers/gateway.js';

type Counts = Awaited<ReturnType<TestGateway['counts']>>;
import { opClient, startOp, type TestOp } from './helpers/op.js';

const ALICE = { email: 'Alice@Acme.test', email_verified: true, name: 'Alice Liddell', groups: ['Engineers'] };

describe('oidc relying party', function () {
  this.timeout(30_000);
  let op: TestOp;
  let op2: TestOp;
  let gw: TestGateway;

  before(async function () {
    const port = await freePort();
    const cb = (id: string) => `http://127.0.0.1:${port}/sso/oidc/${id}/callback`;
    op = await startOp({ clients: [opClient('acme-oidc', cb('acme-oidc'))] });
    op2 = await startOp({ clients: [opClient('acme-other', cb('acme-other'))] });
    gw = await startGateway(port, [
      oidcConnection({ id: 'acme-oidc', issuer: op.issuer, oidc: { scopes: ['openid', 'email', 'profile', 'groups'] } }),
      oidcConnection({ id: 'acme-other', issuer: op2.issuer }),
    ]);
  });
  after(async function () {
    await gw?.stop();
    await op?.close();
    await op2?.close();
  });
  /** Starts a login; returns the browser and the provider's redirect back to the gateway. */
  async function toCallback(connection = 'acme-oidc', query = '?return_to=/dashboard', browser = new Browser()) {
    const start = await browser.get(`${gw.url}/sso/oidc/${connection}/login${query}`);
    expect(start.status, start.body).to.equal(302);
    const { stoppedAt, last } = await browser.follow(start.location!, (u) => u.startsWith(gw.url));
    expect(stoppedAt, last.body).to.be.a('string');
    return { browser, authorizeUrl: start.location!, callback: stoppedAt! };
  }

  /** The refusal page, its reason code in the log, and no row written since `before`. */
  async function expectRefused(hop: { status: number; body: string }, reason: string, before: Counts, status = 400) {
    expect(hop.status, hop.body).to.equal(status);
    expect(hop.body).to.match(/correlation-id/);
    await waitForReason(reason);
    expect(await gw.counts()).to.deep.equal(before);
  }

  async function waitForReason(reason: string) {
    for (let i = 0; i < 50 && !gw.reasons().includes(reason); i++) await new Promise((r) => setTimeout(r, 20));
    expect(gw.reasons(), gw.served.logs.slice(-2).join('\n')).to.include(reason);
  }

  it('signs a user in: PKCE S256, state, nonce, JIT, session, redirect to return_to', async function () {
    op.loginAs('alice', ALICE);
    const { browser, authorizeUrl, callback } = await toCallback('acme-oidc', '?return_to=/dashboard&login_hint=alice@acme.test');
    const authorize = new URL(authorizeUrl);
    expect(authorize.origin).to.equal(op.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorize.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).to.have.length.greaterThan(20);
    expect(authorize.searchParams.get('nonce')).to.have.length.greaterThan(20);
    expect(authorize.searchParams.get('login_hint')).to.equal('alice@acme.test');
    expect(new URL(callback).searchParams.get('iss')).to.equal(op.issuer);

    const done = await browser.get(callback);
    expect(done.status, done.body).to.equal(302);
    expect(done.location).to.equal(`${gw.url}/dashboard`);
    expect(done.setCookie.some((c) => c.startsWith('doorman_session='))).to.equal(true);
    expect(await gw.counts()).to.deep.equal({ users: 1, identities: 1, sessions: 1, license_decisions: 1 });
    const identity = await gw.db.knex('identities').where({ subject: 'alice' }).first();
    expect(identity).to.include({ connection_id: 'acme-oidc', issuer: op.issuer, subject: 'alice' });
    const user = await gw.db.knex('users').where({ id: identity.user_id }).first();
    expect(user).to.include({ email: 'alice@acme.test', name: 'Alice Liddell' });
    expect(await gw.db.knex('oidc_logins').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    const code = new URL(callback).searchParams.get('code')!;
    expect(gw.served.logs.join('\n')).not.to.include(code);
  });

  it('keeps return_to only as a same-origin path', async function () {
    op.loginAs('alice', ALICE);
    const { browser, callback } = await toCallback('acme-oidc', `?return_to=${encodeURIComponent('//evil.example/x')}`);
    const done = await browser.get(callback);
    expect(done.location).to.equal(`${gw.url}/`);
  });

  /** The callback URL with some parameters replaced (null: removed). */
  function tampered(callback: string, changes: Record<string, string | null>, connection?: string): string {
    const url = new URL(callback);
    if (connection) url.pathname = `/sso/oidc/${connection}/callback`;
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) url.searchParams.delete(k);
      else url.searchParams.set(k, v);
    }
    return url.href;
  }

  describe('refuses, writing nothing', function () {
    beforeEach(function () {
      op.loginAs('bob', { email: 'bob@acme.test', email_verified: true, name: 'Bob' });
    });

    it('a callback without state', async function () {
      const { browser, callback } = await toCallback();
      const before = await gw.counts();
      await expectRefused(await browser.get(tampered(callback, { state: null })), 'oidc-state-missing', before);
    });

    it('a wrong state', async function () {
      const { browser, callback } = await toCallback();
      const before = await gw.counts();
      await expectRefused(await browser.get(tampered(callback, { state: 'x'.repeat(43) })), 'oidc-state-invalid', before);
    });

    it('a replayed state', async function () {
      op.loginAs('alice', ALICE);
      const { browser, callback } = await toCallback();
      expect((await browser.get(callback)).status).to.equal(302);
      const before = await gw.counts();
      await expectRefused(await new Browser().get(callback), 'oidc-state-invalid', before);
    });

    it('an ID token whose nonce is not the one sent', async function () {
      const browser = new Browser();
      const start = await browser.get(`${gw.url}/sso/oidc/acme-oidc/login`);
      const { stoppedAt } = await browser.follow(tampered(start.location!, { nonce: 'n'.repeat(43) }), (u) => u.startsWith(gw.url));
      const before = await gw.counts();
      await expectRefused(await browser.get(stoppedAt!), 'oidc-nonce-mismatch', before);
    });

    it("a code redeemed without its login's PKCE verifier (code injection)", async function () {
      const victim = await toCallback();
      const attacker = await toCallback();
      const code = new URL(attacker.callback).searchParams.get('code');
      const before = await gw.counts();
      await expectRefused(await victim.browser.get(tampered(victim.callback, { code })), 'oidc-token-exchange-failed', before);
    });

    it('an authorization request stripped of its PKCE challenge', async function () {
      const browser = new Browser();
      const start = await browser.get(`${gw.url}/sso/oidc/acme-oidc/login`);
      const stripped = tampered(start.location!, { code_challenge: null, code_challenge_method: null });
      const { stoppedAt } = await browser.follow(stripped, (u) => u.startsWith(gw.url));
      expect(new URL(stoppedAt!).searchParams.get('error')).to.equal('invalid_request');
      const before = await gw.counts();
      await expectRefused(await browser.get(stoppedAt!), 'oidc-provider-error', before);
    });

    it('an iss response parameter that is not the issuer (RFC 9207), or none', async function () {
      const first = await toCallback();
      const before = await gw.counts();
      await expectRefused(await first.browser.get(tampered(first.callback, { iss: op2.issuer })), 'oidc-issuer-mismatch', before);
      gw.served.logs.length = 0;
      const second = await toCallback();
      await expectRefused(await second.browser.get(tampered(second.callback, { iss: null })), 'oidc-issuer-mismatch', before);
    });

    it("a code sent to another connection's callback (mix-up)", async function () {
      const { browser, callback } = await toCallback('acme-oidc');
      const before = await gw.counts();
      await expectRefused(await browser.get(tampered(callback, {}, 'acme-other')), 'oidc-connection-mismatch', before);
    });

    it('a new user whose email is not verified: no JIT', async function () {
      op.loginAs('carol', { email: 'carol@acme.test', email_verified: false, name: 'Carol' });
      const { browser, callback } = await toCallback();
      const before = await gw.counts();
      await expectRefused(await browser.get(callback), 'email-missing', before, 403);
    });

    it('an error answer from the provider, shown as a clear page', async function () {
      const { browser, callback } = await toCallback();
      const before = await gw.counts();
      const hop = await browser.get(tampered(callback, { code: null, error: 'access_denied' }));
      await expectRefused(hop, 'oidc-provider-error', before);
      expect(hop.body).to.include('did not allow this sign-in');
    });

    it('an unknown connection', async function () {
      const before = await gw.counts();
      await expectRefused(await new Browser().get(`${gw.url}/sso/oidc/nope/login`), 'oidc-unknown-connection', before, 404);
    });
  });
});
