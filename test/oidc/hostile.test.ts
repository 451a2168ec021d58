// ID token shapes a correct provider never produces, and Entra ID multi-tenant
// issuers, served by a small hostile provider to a real gateway process.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { Browser } from './helpers/browser.js';
import { freePort, oidcConnection, startGateway, type TestGateway } from './helpers/gateway.js';
import { ENTRA_ORIGIN, startHostileOp, type HostileOp, type TokenShape } from './helpers/hostile-op.js';

const ENTRA_FETCH = fileURLToPath(new URL('./helpers/entra-fetch.mjs', import.meta.url));

describe('oidc hostile provider', function () {
  this.timeout(30_000);
  let hostile: HostileOp;
  let entra: HostileOp;
  let gw: TestGateway;

  before(async function () {
    hostile = await startHostileOp();
    entra = await startHostileOp({ entra: true });
    gw = await startGateway(
      await freePort(),
      [
        oidcConnection({ id: 'hostile', issuer: hostile.issuer }),
        oidcConnection({ id: 'entra', issuer: entra.issuer, oidc: { allowed_tenants: ['tenant-a'] } }),
        oidcConnection({ id: 'entra-any', issuer: entra.issuer }),
      ],
      { NODE_OPTIONS: `--import ${ENTRA_FETCH}`, DOORMAN_TEST_ENTRA_ORIGIN: entra.origin },
    );
  });
  after(async function () {
    await gw?.stop();
    await hostile?.close();
    await entra?.close();
  });

  /** A whole login through a hostile provider; returns the gateway's answer to the callback. */
  async function login(connection: string, op: HostileOp) {
    op.claims = { email: 'mallory@acme.test', email_verified: true, name: 'Mallory' };
    const browser = new Browser();
    const start = await browser.get(`${gw.url}/sso/oidc/${connection}/login`);
    expect(start.status, start.body).to.equal(302);
    const authorize = start.location!.replace(ENTRA_ORIGIN, op.origin);
    const { stoppedAt } = await browser.follow(authorize, (u) => u.startsWith(gw.url));
    return browser.get(stoppedAt!);
  }

  async function expectRefusal(hop: { status: number; body: string }, reason: string, status = 400) {
    expect(hop.status, hop.body).to.equal(status);
    for (let i = 0; i < 50 && !gw.reasons().includes(reason); i++) await new Promise((r) => setTimeout(r, 20));
    expect(gw.reasons(), gw.served.logs.slice(-1).join()).to.include(reason);
  }

  it('accepts a well-formed token from it (the harness works)', async function () {
    hostile.shape = 'good';
    const hop = await login('hostile', hostile);
    expect(hop.status, hop.body).to.equal(302);
    expect(await gw.counts()).to.include({ users: 1, sessions: 1 });
    await gw.db.knex('sessions').delete();
  });

  const refusals: [TokenShape, string][] = [
    ['alg-none', 'oidc-alg-not-allowed'],
    ['hs256-public-key', 'oidc-alg-not-allowed'],
    ['wrong-aud', 'oidc-audience-mismatch'],
    ['expired', 'oidc-id-token-expired'],
    ['foreign-key', 'oidc-signature-invalid'],
  ];
  for (const [shape, reason] of refusals) {
    it(`refuses an ID token: ${shape} (${reason}), writing nothing`, async function () {
      hostile.shape = shape;
      const before = await gw.counts();
      await expectRefusal(await login('hostile', hostile), reason);
      expect(await gw.counts()).to.deep.equal(before);
    });
  }

  describe('Entra ID multi-tenant', function () {
    it('accepts a listed tenant, keyed by its tenant-specific issuer', async function () {
      entra.tenant = 'tenant-a';
      const hop = await login('entra', entra);
      expect(hop.status, hop.body).to.equal(302);
      const identity = await gw.db.knex('identities').where({ connection_id: 'entra' }).first();
      expect(identity).to.include({ issuer: `${ENTRA_ORIGIN}/tenant-a/v2.0`, subject: 'mallory' });
    });

    it('refuses a tenant the connection does not list', async function () {
      entra.tenant = 'tenant-evil';
      const before = await gw.counts();
      await expectRefusal(await login('entra', entra), 'oidc-tenant-not-allowed', 403);
      expect(await gw.counts()).to.deep.equal(before);
    });

    it('refuses every tenant when the connection lists none', async function () {
      entra.tenant = 'tenant-a';
      const before = await gw.counts();
      await expectRefusal(await login('entra-any', entra), 'oidc-tenant-not-allowed', 403);
      expect(await gw.counts()).to.deep.equal(before);
    });
  });
});
