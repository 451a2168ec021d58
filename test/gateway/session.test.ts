import { expect } from 'chai';
import { createRepositories, type Database } from '../../db/index.js';
import { Client } from '../helpers/browser-ish.js';
import type { Served } from '../helpers/cli.js';
import { PUBLIC, startMailGateway, type MailGateway } from '../helpers/mail-gateway.js';
import { testAccount } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import type { MailSink } from '../helpers/smtp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sessions', function () {
  this.timeout(30_000);
  let env: MailGateway;
  let gw: Served;
  let db: Database;
  let mail: MailSink;

  before(async () => {
    env = await startMailGateway({ session: { idle_timeout: '2s', absolute_timeout: '4s' }, rate_limits: { signup: { per_address: 50, per_client: 500 } } }, [testAccount('acme', 'acme.test')]);
    ({ gw, db, mail } = env);
  });
  after(() => env?.close());

  const signedIn = async (email: string) => {
    const c = new Client(gw.url, PUBLIC);
    await signInByEmail(c, mail, email);
    expect((await c.request('/me')).status).to.equal(200);
    return c;
  };
  const sessionsOf = async (email: string) =>
    Number((await db.knex('sessions').join('users', 'users.id', 'sessions.user_id').where('users.email', email).count({ n: '*' }))[0].n);

  it('stores only a hash of the opaque cookie, and gives a new id at every login', async () => {
    const c = await signedIn('ann@acme.test');
    const first = c.cookies.get('doorman_session')!;
    expect(first).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(await db.knex('sessions').where({ id_hash: first }).first()).to.equal(undefined);
    await signInByEmail(c, mail, 'ann@acme.test');
    const second = c.cookies.get('doorman_session')!;
    expect(second).to.not.equal(first);
    // The session the browser replaced is gone, not left alive beside the new one.
    const stale = new Client(gw.url, PUBLIC);
    stale.cookies.set('doorman_session', first);
    expect((await stale.request('/me')).status).to.equal(401);
  });

  it('records activity at most once per interval (a quarter of the 2 s idle timeout here), never per request', async () => {
    const c = await signedIn('active@acme.test');
    const lastActive = async () => (await db.knex('users').where({ email: 'active@acme.test' }).first()).last_active_at as number;
    await sleep(600);
    await c.request('/me');
    const first = await lastActive();
    for (let i = 0; i < 5; i++) await c.request('/me');
    expect(await lastActive()).to.equal(first);
    await sleep(600);
    await c.request('/me');
    expect(await lastActive()).to.be.greaterThan(first);
  });

  it('ends a session left idle longer than idle_timeout', async () => {
    const c = await signedIn('idle@acme.test');
    await sleep(2300);
    expect((await c.request('/me')).status).to.equal(401);
    expect(await sessionsOf('idle@acme.test')).to.equal(0);
  });

  it('ends an active session at absolute_timeout', async () => {
    const c = await signedIn('busy@acme.test');
    for (let i = 0; i < 6; i++) {
      await sleep(600);
      expect((await c.request('/me')).status, `request ${i}`).to.equal(200);
    }
    await sleep(700);
    expect((await c.request('/me')).status).to.equal(401);
  });

  it('logs out with POST /sso/logout, clearing the cookie and the row', async () => {
    const c = await signedIn('bye@acme.test');
    const res = await c.request('/sso/logout', { method: 'POST' });
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/sso/login');
    expect(c.cookies.has('doorman_session')).to.equal(false);
    expect(await sessionsOf('bye@acme.test')).to.equal(0);
  });

  it('refuses a cross-site logout (CSRF) and keeps the session', async () => {
    const c = await signedIn('csrf@acme.test');
    const forged = await c.request('/sso/logout', { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(forged.status).to.equal(403);
    const noOrigin = await fetch(`${gw.url}/sso/logout`, { method: 'POST', headers: { cookie: `doorman_session=${c.cookies.get('doorman_session')}` }, redirect: 'manual' });
    expect(noOrigin.status).to.equal(403);
    expect((await c.request('/me')).status).to.equal(200);
  });

  it("revokes every session of a user at once", async () => {
    const laptop = await signedIn('many@acme.test');
    const phone = await signedIn('many@acme.test');
    expect(await sessionsOf('many@acme.test')).to.equal(2);
    const user = await db.knex('users').where({ email: 'many@acme.test' }).first();
    expect(await createRepositories(db.knex).sessions.deleteForUser(user.id)).to.equal(2);
    expect((await laptop.request('/me')).status).to.equal(401);
    expect((await phone.request('/me')).status).to.equal(401);
  });
});

describe('sessions behind TLS', function () {
  this.timeout(30_000);
  it('marks the cookie Secure when the public URL is https, though the gateway itself speaks plain HTTP', async () => {
    const env = await startMailGateway({ public_url: 'https://gateway.test' }, [testAccount('acme', 'acme.test')]);
    try {
      const c = new Client(env.gw.url, 'https://gateway.test');
      const done = await signInByEmail(c, env.mail, 'tls@acme.test');
      expect(done.headers.getSetCookie().find((h) => h.startsWith('doorman_session='))).to.match(/; secure/i).and.match(/httponly/i);
      // A stale cookie is cleared, not a 500.
      const stale = new Client(env.gw.url, 'https://gateway.test');
      stale.cookies.set('doorman_session', 'not-a-session');
      expect((await stale.request('/me')).status).to.equal(401);
    } finally {
      await env.close();
    }
  });
});
