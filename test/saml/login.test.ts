// SAML login against samlify, an independently written IdP, over real HTTP: a real
// gateway process, the IdP on a loopback port, the browser's steps done with fetch.
import { expect } from 'chai';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { Client } from '../helpers/browser-ish.js';
import { formFields, postToAcs, spInitiated } from './helpers/flow.js';
import { freePort, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';

describe('saml login', function () {
  this.timeout(30_000);
  let idp: DemoIdpServer;
  let gw: TestGateway;

  before(async () => {
    const port = await freePort();
    idp = await startDemoIdp({ port: 0, trustedSp: `http://127.0.0.1:${port}/` });
    const at = { entityId: idp.idp.entityId, ssoUrl: `${idp.url}/sso` };
    gw = await startGateway(port, [samlConnection('acme-saml', at), samlConnection('acme-saml-idp', at, { idp_initiated: true })]);
  });
  after(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it('serves SP metadata: entity ID, ACS, NameID format', async () => {
    const res = await fetch(`${gw.url}/sso/saml/acme-saml/metadata`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('samlmetadata+xml');
    const xml = await res.text();
    expect(xml).to.contain(`entityID="${gw.url}/sso/saml/acme-saml/metadata"`);
    expect(xml).to.contain(`Location="${gw.url}/sso/saml/acme-saml/acs"`);
    expect(xml).to.contain('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  });

  it('answers an unknown connection with 404 and saml-unknown-connection', async () => {
    const res = await fetch(`${gw.url}/sso/saml/nope/metadata`);
    expect(res.status).to.equal(404);
    await gw.logged('saml-unknown-connection');
  });

  it('signs in SP-initiated: AuthnRequest over HTTP-Redirect, the request ID consumed once, a session, JIT', async () => {
    const { start, acs, browser } = await spInitiated(gw.url, 'acme-saml', 'alice@acme.test', '/dashboard?tab=1');
    expect(start.status).to.equal(302);
    expect(start.headers.get('location')).to.match(/\/sso\?SAMLRequest=/);
    expect(acs.status).to.equal(302);
    expect(acs.headers.get('location')).to.equal('/dashboard?tab=1');
    expect(browser.cookies.has('doorman_session')).to.equal(true);
    const user = await gw.db.knex('users').where({ email: 'alice@acme.test' }).first();
    expect(user).to.include({ name: 'Alice Example' });
    expect(await gw.db.knex('sessions').where({ user_id: user.id })).to.have.length(1);
    expect(await gw.db.knex('license_decisions').where({ user_id: user.id })).to.have.length(1);
    expect(await gw.db.knex('saml_requests')).to.have.length(0);
    const session = await gw.db.knex('sessions').where({ user_id: user.id }).first();
    expect(JSON.parse(session.data).saml).to.include({ nameId: 'alice@acme.test', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' });
  });

  it('passes login_hint to the IdP', async () => {
    const res = await new Client(gw.url, gw.url).request('/sso/saml/acme-saml/login?login_hint=bob%40acme.test');
    expect(new URL(res.headers.get('location')!).searchParams.get('login_hint')).to.equal('bob@acme.test');
  });

  it('signs in IdP-initiated on a connection that allows it, landing on a same-origin RelayState', async () => {
    const page = await fetch(`${idp.url}/start`, {
      method: 'POST',
      body: new URLSearchParams({ sp: `${gw.url}/sso/saml/acme-saml-idp/metadata`, relay_state: '/reports', user: 'bob@acme.test' }),
    });
    const post = formFields(await page.text());
    expect(post.action).to.equal(`${gw.url}/sso/saml/acme-saml-idp/acs`);
    const { acs, browser } = await postToAcs(gw.url, 'acme-saml-idp', post.fields.SAMLResponse, post.fields.RelayState);
    expect(acs.status).to.equal(302);
    expect(acs.headers.get('location')).to.equal('/reports');
    expect(browser.cookies.has('doorman_session')).to.equal(true);
    expect(await gw.db.knex('users').where({ email: 'bob@acme.test' })).to.have.length(1);
  });
});
