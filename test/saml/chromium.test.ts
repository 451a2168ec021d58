// End to end in a real browser: Chromium -> gateway -> the demo IdP's login page ->
// ACS -> the demo app's page showing the user's email. Debian's chromium, driven by
// playwright-core; skipped with a message where /usr/bin/chromium is missing, unless
// DOORMAN_TEST_REQUIRE_CHROMIUM=1 (as .ci/run sets it) makes it mandatory.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { startDemoApp } from '../../fixtures/demo-app/server.js';
import { ARTIFACTS, chromiumOrSkip, launchChromium, type Browser } from '../helpers/chromium.js';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { freePort, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';


describe('saml in chromium', function () {
  this.timeout(60_000);
  let app: Server;
  let idp: DemoIdpServer;
  let gw: TestGateway;
  let chrome: Browser;
  let browser: BrowserContext;

  before(async function () {
    if (!chromiumOrSkip(this)) return;
    app = await startDemoApp(0);
    const port = await freePort();
    idp = await startDemoIdp({ port: 0, trustedSp: `http://127.0.0.1:${port}/` });
    gw = await startGateway(port, [samlConnection('acme-saml', { entityId: idp.idp.entityId, ssoUrl: `${idp.url}/sso` })], {
      upstreamUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    });
    chrome = await launchChromium();
    browser = chrome.context;
  });
  after(async () => {
    await chrome?.close();
    await gw?.stop();
    await idp?.close();
    app?.close();
  });

  it('from an app page: home-realm discovery, the IdP login page, the ACS, then the demo app showing the email', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/dashboard?tab=1`);
    expect(page.url()).to.equal(`${gw.url}/sso/login?return_to=%2Fdashboard%3Ftab%3D1`);
    await page.fill('#email', 'alice@acme.test');
    await page.click('button');
    await page.waitForURL(new RegExp(`^${idp.url}/sso\\?`));
    await page.check('input[type=radio][value="alice@acme.test"]');
    const landing = page.waitForURL(`${gw.url}/dashboard?tab=1`);
    await page.click('#sign-in');
    await landing;
    const cookies = await browser.cookies(gw.url);
    expect(cookies.find((c) => c.name === 'doorman_session')).to.deep.include({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.locator('#who').textContent()).to.contain('alice@acme.test');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'saml-demo-app.png') });
  });
});
