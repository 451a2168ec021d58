// The demo OpenID provider: its sign-in page lists the demo users, and a gateway
// configured like the demo signs one in through it.
import { expect } from 'chai';
import type { Server } from 'node:http';
import { DEMO_OIDC_CLIENT, DEMO_OIDC_CONNECTION, startDemoOp } from '../../fixtures/demo-op/server.js';
import { Browser } from './helpers/browser.js';
import { freePort, oidcConnection, startGateway, type TestGateway } from './helpers/gateway.js';

describe('oidc demo provider', function () {
  this.timeout(30_000);
  let demo: Server;
  let gw: TestGateway;

  before(async function () {
    const port = await freePort();
    const opPort = await freePort();
    demo = await startDemoOp(`http://127.0.0.1:${port}`, opPort);
    gw = await startGateway(port, [
      oidcConnection({ id: DEMO_OIDC_CONNECTION, issuer: `http://127.0.0.1:${opPort}`, oidc: { client_id: DEMO_OIDC_CLIENT.client_id, client_secret: DEMO_OIDC_CLIENT.client_secret } }),
    ]);
  });
  after(async function () {
    await gw?.stop();
    demo?.closeAllConnections();
    demo?.close();
  });

  it('signs a demo user in from its sign-in page', async function () {
    const browser = new Browser();
    const start = await browser.get(`${gw.url}/sso/oidc/${DEMO_OIDC_CONNECTION}/login?return_to=/welcome`);
    const { last } = await browser.follow(start.location!);
    expect(last.status).to.equal(200);
    expect(last.body).to.include('Bob Builder');
    const submitted = await browser.post(last.url, { sub: 'bob-002' });
    const { stoppedAt } = await browser.follow(submitted.location!, (u) => u.startsWith(gw.url));
    const done = await browser.get(stoppedAt!);
    expect(done.status, done.body).to.equal(302);
    expect(done.location).to.equal(`${gw.url}/welcome`);
    expect(await gw.db.knex('users').where({ email: 'bob@acme.test' }).first()).to.include({ name: 'Bob Builder' });
  });
});
