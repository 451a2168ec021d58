// Claims mapping: from the ID token or userinfo, per connection, into the same
// normalized identity the SAML path produces.
import { expect } from 'chai';
import type { IDToken } from 'openid-client';
import { identityFromClaims } from '../../gateway/oidc/claims.js';
import { oidcSettings } from '../../gateway/oidc/settings.js';
import { Browser } from './helpers/browser.js';
import { freePort, oidcConnection, startGateway, type TestGateway } from './helpers/gateway.js';
import { opClient, startOp, type TestOp } from './helpers/op.js';

const settings = (oidc: Record<string, unknown> = {}) =>
  oidcSettings({ id: 'c1', type: 'oidc', domains: ['acme.test'], oidc: { issuer: 'https://op.example', client_id: 'c1', ...oidc } })!;
const token = (claims: Record<string, unknown>): IDToken => ({ iss: 'https://op.example', sub: 's1', aud: 'c1', iat: 1, exp: 2, ...claims });

describe('oidc claims mapping', function () {
  it('maps the default claims; the email only when verified, lowercased', function () {
    const identity = identityFromClaims(settings(), token({ email: 'Ann@Acme.TEST', email_verified: true, name: 'Ann', groups: ['a', 7, 'b'] }), undefined);
    expect(identity).to.deep.equal({ protocol: 'oidc', connectionId: 'c1', issuer: 'https://op.example', subject: 's1', email: 'ann@acme.test', name: 'Ann', groups: ['a', 'b'] });
  });

  it('drops an unverified or unstated email unless the connection opts out', function () {
    expect(identityFromClaims(settings(), token({ email: 'a@acme.test', email_verified: false }), undefined).email).to.equal(null);
    expect(identityFromClaims(settings(), token({ email: 'a@acme.test' }), undefined).email).to.equal(null);
    expect(identityFromClaims(settings({ trust_unverified_email: true }), token({ email: 'a@acme.test' }), undefined).email).to.equal('a@acme.test');
  });

  it('reads the claims the connection names; groups null when absent', function () {
    const s = settings({ email_claim: 'mail', name_claim: 'display_name', groups_claim: 'roles' });
    const identity = identityFromClaims(s, token({ mail: 'B@acme.test', email_verified: 'true', display_name: 'Bee', roles: 'admins' }), undefined);
    expect(identity).to.include({ email: 'b@acme.test', name: 'Bee' });
    expect(identity.groups).to.deep.equal(['admins']);
    expect(identityFromClaims(settings(), token({}), undefined).groups).to.equal(null);
  });

  it('lets userinfo win over the ID token, but never for iss or sub', function () {
    const identity = identityFromClaims(settings(), token({ name: 'Old' }), { sub: 's1', name: 'New', email: 'n@acme.test', email_verified: true, iss: 'https://evil' });
    expect(identity).to.include({ name: 'New', email: 'n@acme.test', issuer: 'https://op.example', subject: 's1' });
  });

  describe('against a provider that puts profile claims only at userinfo', function () {
    this.timeout(30_000);
    let op: TestOp;
    let gw: TestGateway;

    before(async function () {
      const port = await freePort();
      const cb = (id: string) => `http://127.0.0.1:${port}/sso/oidc/${id}/callback`;
      op = await startOp({ clients: [opClient('with-userinfo', cb('with-userinfo')), opClient('token-only', cb('token-only'))], claimsInIdToken: false });
      gw = await startGateway(port, [
        oidcConnection({ id: 'with-userinfo', issuer: op.issuer, oidc: { use_userinfo: true, email_claim: 'mail', name_claim: 'display_name' } }),
        oidcConnection({ id: 'token-only', issuer: op.issuer }),
      ]);
    });
    after(async function () {
      await gw?.stop();
      await op?.close();
    });

    async function login(connection: string) {
      const browser = new Browser();
      const start = await browser.get(`${gw.url}/sso/oidc/${connection}/login`);
      const { stoppedAt } = await browser.follow(start.location!, (u) => u.startsWith(gw.url));
      return browser.get(stoppedAt!);
    }

    it('signs in with the email and name read from userinfo', async function () {
      op.loginAs('dora', { mail: 'Dora@acme.test', email_verified: true, display_name: 'Dora Explorer' });
      const hop = await login('with-userinfo');
      expect(hop.status, hop.body).to.equal(302);
      expect(await gw.db.knex('users').where({ email: 'dora@acme.test' }).first()).to.include({ name: 'Dora Explorer' });
    });

    it('without use_userinfo, an ID token lacking the email provisions nobody', async function () {
      op.loginAs('erin', { email: 'erin@acme.test', email_verified: true, name: 'Erin' });
      const before = await gw.counts();
      const hop = await login('token-only');
      expect(hop.status, hop.body).to.equal(403);
      expect(await gw.counts()).to.deep.equal(before);
    });
  });
});
