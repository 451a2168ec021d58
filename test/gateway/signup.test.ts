import { expect } from 'chai';
import type { Database } from '../../db/index.js';
import { Client } from '../helpers/browser-ish.js';
import type { Served } from '../helpers/cli.js';
import { PUBLIC, startMailGateway, type MailGateway } from '../helpers/mail-gateway.js';
import { testAccount } from '../helpers/policies.js';
import { linkIn, type MailSink } from '../helpers/smtp.js';

describe('email sign-up and home-realm discovery', function () {
  this.timeout(30_000);
  let env: MailGateway;
  let gw: Served;
  let db: Database;
  let mail: MailSink;

  before(async () => {
    env = await startMailGateway(
      { rate_limits: { signup: { per_address: 3, per_client: 100 } } },
      [
        testAccount('acme', 'acme.test', {
          domains: [
            { name: 'acme.test', control: 'auto_join', verification: { method: 'manual', verified: true } },
            { name: 'acme-sso.test', control: 'off', verification: { method: 'manual', verified: true } },
            { name: 'acme-two.test', control: 'off', verification: { method: 'manual', verified: true } },
            { name: 'acme-closed.test', control: 'off', verification: { method: 'manual', verified: true } },
            { name: 'acme-unverified.test', control: 'auto_join', verification: { method: 'manual' } },
          ],
          connections: [
            { id: 'acme-okta', type: 'saml', domains: ['acme-sso.test', 'acme-two.test'], saml: { idp_entity_id: 'urn:idp', sso_url: 'https://idp.example/sso', idp_certificates: ['x'] } },
            { id: 'acme-entra', type: 'oidc', domains: ['acme-two.test'], oidc: { issuer: 'https://login.example/acme', client_id: 'doorman' } },
          ],
        }),
      ],
    );
    ({ gw, db, mail } = env);
  });
  after(() => env?.close());

  const client = () => new Client(gw.url, PUBLIC);
  const count = async (table: string) => Number((await db.knex(table).count({ n: '*' }))[0].n);

  it('signs a new user up by email: link by SMTP, single use, provisioned by domain control', async () => {
    const c = client();
    const start = await c.request('/sso/login', { form: { email: 'Bob@Acme.test', return_to: '/projects?tab=1' } });
    expect(start.status).to.equal(200);
    expect(await start.text()).to.include('Check your email');

    const link = new URL(linkIn(await mail.next('bob@acme.test')));
    expect(link.origin).to.equal(PUBLIC);
    const confirm = await c.request(`${link.pathname}${link.search}`);
    expect(confirm.status).to.equal(200);
    // Showing the page does not use the link up.
    expect((await c.request(`${link.pathname}${link.search}`)).status).to.equal(200);

    const token = link.searchParams.get('token')!;
    const done = await c.request('/sso/verify', { form: { token } });
    expect(done.status).to.equal(302);
    expect(done.headers.get('location')).to.equal('/projects?tab=1');
    const cookie = done.headers.getSetCookie().find((h) => h.startsWith('doorman_session='))!;
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.not.match(/Secure/i);

    const me = await (await c.request('/me')).json();
    expect(me).to.deep.include({ email: 'bob@acme.test', account: 'acme', teams: ['everyone'], license: 'full', restricted: false });
    const decision = await db.knex('license_decisions').where({ email: 'bob@acme.test' }).first();
    expect(decision).to.include({ route: 'domain-control', license: 'full', reason: 'standard-default-full' });

    const again = await client().request('/sso/verify', { form: { token } });
    expect(again.status).to.equal(410);
    expect((await client().request(`${link.pathname}${link.search}`)).status).to.equal(410);
  });

  it('sends an SSO domain to its connection with the email as login hint, and offers a choice when there are several', async () => {
    const one = await client().request('/sso/login', { form: { email: 'ann@acme-sso.test', return_to: '/x' } });
    expect(one.status).to.equal(302);
    expect(one.headers.get('location')).to.equal('/sso/saml/acme-okta/login?login_hint=ann%40acme-sso.test&return_to=%2Fx');
    const two = await client().request('/sso/login', { form: { email: 'ann@acme-two.test' } });
    expect(two.status).to.equal(200);
    const html = await two.text();
    expect(html).to.include('/sso/saml/acme-okta/login?login_hint=ann%40acme-two.test').and.include('/sso/oidc/acme-entra/login?login_hint=ann%40acme-two.test');
  });

  it('refuses sign-up for public, unclaimed, unverified and closed domains, sending no mail', async () => {
    const before = mail.messages.length;
    for (const email of ['eve@gmail.com', 'eve@elsewhere.test', 'eve@acme-unverified.test', 'eve@acme-closed.test']) {
      const res = await client().request('/sso/login', { form: { email } });
      expect(res.status, email).to.equal(403);
    }
    expect(mail.messages.length).to.equal(before);
    expect(await count('signup_tokens')).to.equal(0);
  });

  it('rate-limits sign-up mails per address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await client().request('/sso/login', { form: { email: 'limited@acme.test' } });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    expect(Number(retryAfter)).to.be.within(1, 3600);
  });

  it('refuses a cross-site POST (CSRF) and a login form without a valid email', async () => {
    const forged = await client().request('/sso/login', { form: { email: 'bob@acme.test' }, headers: { origin: 'https://evil.example' } });
    expect(forged.status).to.equal(403);
    await gw.waitForLog((e) => e.reason === 'csrf-origin-mismatch');
    expect((await client().request('/sso/login', { form: { email: 'not an email' } })).status).to.equal(400);
  });

  for (const payload of ['//evil.example', '/\\evil.example', 'https://evil.example', '/%09/evil.example', 'javascript:alert(1)', '/\t/evil.example']) {
    it(`sends return_to ${JSON.stringify(payload)} to / after sign-up`, async () => {
      const email = `redirect${Buffer.from(payload).toString('hex').slice(0, 10)}@acme.test`;
      const c = client();
      const form = await (await c.request(`/sso/login?return_to=${encodeURIComponent(payload)}`)).text();
      expect(form).to.include('name="return_to" value="/"');
      await c.request('/sso/login', { form: { email, return_to: payload } });
      const token = new URL(linkIn(await mail.next(email))).searchParams.get('token')!;
      const done = await c.request('/sso/verify', { form: { token } });
      expect(done.headers.get('location')).to.equal('/');
    });
  }
});

describe('email sign-up rate limit per client', function () {
  this.timeout(30_000);
  it('refuses a client over its limit with 429, whatever the addresses', async () => {
    const env = await startMailGateway({ rate_limits: { signup: { per_address: 50, per_client: 2 } } }, [testAccount('acme', 'acme.test')]);
    try {
      const statuses: number[] = [];
      for (const email of ['one@acme.test', 'two@acme.test', 'three@acme.test']) {
        statuses.push((await new Client(env.gw.url, PUBLIC).request('/sso/login', { form: { email } })).status);
      }
      expect(statuses).to.deep.equal([200, 200, 429]);
      expect(env.mail.messages.map((m) => m.to[0])).to.deep.equal(['one@acme.test', 'two@acme.test']);
    } finally {
      await env.close();
    }
  });
});
