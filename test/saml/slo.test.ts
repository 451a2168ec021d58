// Single Logout: the IdP's signed LogoutRequest ends the user's sessions; the
// gateway's own LogoutRequest, as /sso/logout sends it, is one the IdP can read.
import { expect } from 'chai';
import { DemoIdp } from '../../fixtures/demo-idp/idp.js';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { samlLogoutUrl } from '../../gateway/saml/start-logout.js';
import { loadPolicies } from '../../policies/load.js';
import { Client } from '../helpers/browser-ish.js';
import { spInitiated } from './helpers/flow.js';
import { freePort, pem, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';

describe('saml single logout', function () {
  this.timeout(30_000);
  let server: DemoIdpServer;
  let gw: TestGateway;

  before(async () => {
    const port = await freePort();
    server = await startDemoIdp({ port: 0, trustedSp: `http://127.0.0.1:${port}/` });
    gw = await startGateway(port, [samlConnection('slo', { entityId: server.idp.entityId, ssoUrl: `${server.url}/sso` }, { slo_url: `${server.url}/slo` })]);
  });
  after(async () => {
    await gw?.stop();
    await server?.close();
  });

  const spOf = async (idp: DemoIdp) => idp.serviceProvider(await (await fetch(`${gw.url}/sso/saml/slo/metadata`)).text());
  const sessionsOf = async (email: string) => gw.db.knex('sessions').join('users', 'users.id', 'sessions.user_id').where('users.email', email).count({ n: '*' }).first();
  const logoutRequest = async (idp: DemoIdp, email: string) => String(idp.idp.createLogoutRequest(await spOf(idp), 'post', { logoutNameID: email }).context);
  const postLogout = (samlRequest: string) => new Client(gw.url, server.url).request('/sso/saml/slo/slo', { form: { SAMLRequest: samlRequest } });

  it("ends the user's sessions on the IdP's signed LogoutRequest and answers the IdP", async () => {
    await spInitiated(gw.url, 'slo', 'alice@acme.test');
    await spInitiated(gw.url, 'slo', 'alice@acme.test');
    expect(Number((await sessionsOf('alice@acme.test'))?.n)).to.equal(2);
    const res = await postLogout(await logoutRequest(server.idp, 'alice@acme.test'));
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.match(new RegExp(`^${server.url}/slo\\?SAMLResponse=`));
    expect(Number((await sessionsOf('alice@acme.test'))?.n)).to.equal(0);
  });

  it('refuses a LogoutRequest signed by another key, and keeps the sessions', async () => {
    await spInitiated(gw.url, 'slo', 'bob@acme.test');
    const attacker = new DemoIdp({ baseUrl: server.url, key: pem('saml/attacker.key'), cert: pem('saml/attacker.crt') });
    const res = await postLogout(await logoutRequest(attacker, 'bob@acme.test'));
    expect(res.status).to.equal(403);
    await gw.logged('saml-signature-invalid');
    expect(Number((await sessionsOf('bob@acme.test'))?.n)).to.equal(1);
  });

  it('refuses an unsigned LogoutRequest', async () => {
    const xml = Buffer.from(await logoutRequest(server.idp, 'bob@acme.test'), 'base64').toString().replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
    const res = await postLogout(Buffer.from(xml).toString('base64'));
    expect(res.status).to.equal(403);
    expect(Number((await sessionsOf('bob@acme.test'))?.n)).to.equal(1);
  });

  it('builds the LogoutRequest /sso/logout sends to the IdP, naming the NameID and session', async () => {
    const policies = loadPolicies(gw.policiesDir);
    if (!policies.ok) throw new Error('test policies invalid');
    const url = await samlLogoutUrl(policies.policies, 'slo', { nameId: 'alice@acme.test', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', sessionIndex: '_s1' });
    expect(url).to.match(new RegExp(`^${server.url}/slo\\?SAMLRequest=`));
    const query = Object.fromEntries(new URL(url!).searchParams);
    const parsed = await server.idp.idp.parseLogoutRequest(await spOf(server.idp), 'redirect', { query });
    expect(parsed.extract).to.deep.include({ nameID: 'alice@acme.test' });
    expect(await samlLogoutUrl(policies.policies, null, undefined)).to.equal(null);
  });
});
