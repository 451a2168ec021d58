// End to end in a real browser: Chromium -> gateway -> the demo OpenID provider's
// sign-in page -> callback -> the demo app. Skipped with a message where
// /usr/bin/chromium is missing, unless DOORMAN_TEST_REQUIRE_CHROMIUM=1 makes it mandatory.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { startDemoApp } from '../../fixtures/demo-app/server.js';
import { chromiumOrSkip, launchChromium, type Browser } from '../helpers/chromium.js';
import { DEMO_OIDC_CLIENT, DEMO_OIDC_CONNECTION, startDemoOp } from '../../fixtures/demo-op/server.js';
import { freePort, oidcConnection, startGateway, type TestGateway } from './helpers/gateway.js';


describe('oidc in chromium', function () {
  this.timeout(60_000);
  let app: Server;
  let op: Server;
  let opUrl: string;
  let gw: TestGateway;
  let chrome: Browser;
  let browser: BrowserContext;

  before(async function () {
    if (!chromiumOrSkip(this)) return;
    app = await startDemoApp(0);
    const port = await freePort();
    const opPort = await freePort();
    opUrl = `http://127.0.0.1:${opPort}`;
    op = await startDemoOp(`http://127.0.0.1:${port}`, opPort);
    const { client_id, client_secret } = DEMO_OIDC_CLIENT;
    gw = await startGateway(port, [oidcConnection({ id: DEMO_OIDC_CONNECTION, issuer: opUrl, oidc: { client_id, client_secret } })], {}, `http://127.0.0.1:${(app.address() as AddressInfo).port}`);
    chrome = await launchChromium();
    browser = chrome.context;
  });
  after(async () => {
    await chrome?.close();
    await gw?.stop();
    op?.closeAllConnections();
    op?.close();
    app?.close();
  });

  it("signs in through the provider's sign-in page and lands on the demo app showing the email", async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/sso/oidc/${DEMO_OIDC_CONNECTION}/login?return_to=/`);
    expect(page.url()).to.match(new RegExp(`^${opUrl}/interaction/`));
    const landing = page.waitForURL(`${gw.url}/`);
    await page.click('button[value="bob-002"]');
    await landing;
    const cookies = await browser.cookies(gw.url);
    expect(cookies.map((c) => c.name)).to.include('doorman_session');
    expect(await gw.db.knex('users').where({ email: 'bob@acme.test' }).first()).to.include({ name: 'Bob Builder' });
    expect(await page.locator('#who').textContent()).to.contain('bob@acme.test');
  });
});
