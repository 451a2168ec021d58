// The admin console in real Chromium (Debian's chromium, driven by playwright-core):
// a user asks for Full, an admin (by IdP group) signs in through the demo SAML IdP,
// approves the request with the keyboard and sees the user's license change. A
// screenshot of each page is kept under test-artifacts/. Skipped with a message
// where /usr/bin/chromium is missing, unless DOORMAN_TEST_REQUIRE_CHROMIUM=1.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { startDemoApp } from '../../fixtures/demo-app/server.js';
import { ARTIFACTS, chromiumOrSkip, launchChromium, type Browser } from '../helpers/chromium.js';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { serve, type Served } from '../helpers/cli.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { startMailSink, type MailSink } from '../helpers/smtp.js';
import { freePort, samlConnection } from '../saml/helpers/gateway.js';


describe('admin console in chromium', function () {
  this.timeout(90_000);
  let app: Server;
  let idp: DemoIdpServer;
  let mail: MailSink;
  let gw: Served;
  let url: string;
  let chrome: Browser;
  let browser: BrowserContext;
  let tmp: string;

  before(async function () {
    if (!chromiumOrSkip(this)) return;
    app = await startDemoApp(0);
    mail = await startMailSink();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    idp = await startDemoIdp({ port: 0, trustedSp: `${url}/` });
    const policies = writePolicies(
      { public_url: url, upstream_url: `http://127.0.0.1:${(app.address() as AddressInfo).port}`, smtp: { url: mail.url, from: 'doorman@gateway.test' } },
      [
        testAccount('acme', 'acme.test', {
          licensing: { program: 'flexible', seats: { full: 1 }, default_license: 'free_restricted' },
          teams: [
            { id: 'everyone', name: 'Everyone', default: true },
            { id: 'engineering', name: 'Engineering' },
          ],
          domains: [{ name: 'acme.test', control: 'off', verification: { method: 'manual', verified: true } }],
          connections: [samlConnection('acme-saml', { entityId: idp.idp.entityId, ssoUrl: `${idp.url}/sso` }, {}, { groups_to_teams: { Engineers: 'engineering' } })],
          admins: { groups: ['Engineers'] },
          request_management: { mode: 'email', recipients: ['it@acme.test'] },
        }),
      ],
    );
    tmp = mkdtempSync(join(tmpdir(), 'doorman-console-'));
    gw = await serve(['--policies', policies, '--db', `sqlite:${join(tmp, 'gw.sqlite')}`, '--port', String(port)]);
    chrome = await launchChromium({ viewport: { width: 1280, height: 900 } });
    browser = chrome.context;
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await chrome?.close();
    await gw?.stop();
    await idp?.close();
    await mail?.close();
    app?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Home-realm discovery, then the demo IdP's login page as `email`. */
  const signIn = async (page: Page, email: string, landing: string) => {
    await page.fill('#email', email);
    await page.click('button');
    await page.waitForURL(new RegExp(`^${idp.url}/sso\\?`));
    await page.check(`input[type=radio][value="${email}"]`);
    const landed = page.waitForURL(landing);
    await page.click('#sign-in');
    await landed;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
  const licenseOf = (page: Page, email: string) => page.locator(`#users tr[data-email="${email}"] td.license`).textContent();

  it('a user asks for Full; an admin approves it in the console and sees the license change', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/sso/login`);
    await signIn(page, 'bob@acme.test', `${url}/`);
    const asked = await page.evaluate(async () => {
      const res = await fetch('/me/license-requests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'I edit the roadmap' }) });
      return res.status;
    });
    expect(asked).to.equal(201);
    expect((await mail.next('it@acme.test')).raw).to.include('bob@acme.test asks for a Full license');
    // bob is no admin.
    expect((await page.goto(`${url}/admin/users`))!.status()).to.equal(403);
    await browser.clearCookies();

    await page.goto(`${url}/admin`);
    expect(page.url()).to.equal(`${url}/sso/login?return_to=%2Fadmin`);
    await signIn(page, 'alice@acme.test', `${url}/admin/users`);
    expect(await licenseOf(page, 'bob@acme.test')).to.equal('free_restricted');
    await shot(page, 'users');

    // By keyboard: the navigation link, then the approve button.
    await page.getByRole('link', { name: 'Requests' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/admin/requests`);
    expect(await page.locator('#license-requests tr[data-email="bob@acme.test"]').textContent()).to.contain('I edit the roadmap');
    await shot(page, 'requests');
    await page.getByRole('button', { name: 'Approve the Full license request of bob@acme.test' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/admin/requests?done=license-request-approved`);
    expect(await page.locator('#notice').textContent()).to.contain('Approved');
    expect(await page.locator('#license-requests').textContent()).to.contain('No open license request');
    await shot(page, 'requests-approved');
    expect((await mail.next('bob@acme.test')).raw).to.include('was approved');

    await page.getByRole('link', { name: 'Users and licenses' }).click();
    await page.waitForURL(`${url}/admin/users`);
    expect(await licenseOf(page, 'bob@acme.test')).to.equal('full');
  });

  it('invitations, the usage report with its chart, and the audit log', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/admin/invitations`);
    await page.fill('#i-email', 'carol@partner.example');
    await page.selectOption('#i-license', 'free');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.waitForURL(`${url}/admin/invitations?done=invited`);
    expect(await page.locator('#invitations').textContent()).to.contain('carol@partner.example');
    await shot(page, 'invitations');
    await mail.next('carol@partner.example');

    await page.goto(`${url}/admin/usage`);
    expect(await page.locator('#seats-used').textContent()).to.equal('1');
    expect(await page.locator('#seats-free').textContent()).to.equal('0');
    expect(await page.locator('#seats-chart').isVisible()).to.equal(true);
    expect(await page.locator('#seats-chart path').getAttribute('d')).to.match(/^M[\d.]+,[\d.]+ H/);
    await shot(page, 'usage');

    await page.goto(`${url}/admin/audit`);
    const audit = await page.locator('#audit').textContent();
    expect(audit).to.contain('approve-license-request');
    expect(audit).to.contain('alice@acme.test');
    await shot(page, 'audit');

    // A form posted from another site with the admin's cookie is refused.
    const cookie = (await browser.cookies(url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${url}/admin/invitations`, { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=x%40y.example', redirect: 'manual' });
    expect(forged.status).to.equal(403);
  });
});
