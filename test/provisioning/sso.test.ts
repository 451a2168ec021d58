// Provisioning through SSO: OIDC logins against a real oidc-provider, a real gateway process.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../db/index.js';
import { serve, type Served } from '../helpers/cli.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { Browser } from '../oidc/helpers/browser.js';
import { freePort } from '../oidc/helpers/gateway.js';
import { CLIENT_SECRET, opClient, startOp, type Claims, type TestOp } from '../oidc/helpers/op.js';
import { startMailSink, type MailSink } from '../helpers/smtp.js';

const ADMIN_TOKEN = 'admin-token-for-the-sso-provisioning-tests';
const verified = (name: string, control = 'off') => ({ name, control, verification: { method: 'manual', verified: true } });

describe('provisioning through SSO (OIDC)', function () {
  this.timeout(60_000);
  let tmp: string;
  let op: TestOp;
  let gw: Served;
  let db: Database;
  let url: string;
  let mail: MailSink;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'doorman-sso-prov-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const ids = ['acme-oidc', 'acme-partners', 'flex-oidc'];
    op = await startOp({ clients: ids.map((id) => opClient(id, `${url}/sso/oidc/${id}/callback`)) });
    const connection = (id: string, domains: string[], more: Record<string, unknown>) => ({
      id, type: 'oidc', domains, jit: true, oidc: { issuer: op.issuer, client_id: id, client_secret: CLIENT_SECRET, scopes: ['openid', 'email', 'profile', 'groups'] }, ...more,
    });
    mail = await startMailSink();
    const policies = writePolicies({ public_url: url, upstream_url: 'http://127.0.0.1:9', smtp: { url: mail.url, from: 'd@gateway.test' }, admin_tokens: [{ name: 't', sha256: createHash('sha256').update(ADMIN_TOKEN).digest('hex') }] }, [
      testAccount('acme', 'acme.test', {
        licensing: { program: 'standard', seats: { full: 5 } },
        teams: [{ id: 'everyone', name: 'Everyone', default: true }, { id: 'engineering', name: 'Engineering' }, { id: 'design', name: 'Design' }],
        domains: [verified('acme.test')],
        connections: [
          connection('acme-oidc', ['acme.test'], { team: 'design', groups_to_teams: { Engineers: 'engineering' } }),
          connection('acme-partners', ['acme.test'], { allow_outside_domains: true }),
        ],
      }),
      testAccount('flex', 'flex.test', {
        licensing: { program: 'flexible', seats: { full: 5 }, default_license: 'free_restricted' },
        domains: [verified('flex.test')],
        connections: [connection('flex-oidc', ['flex.test'], {})],
      }),
    ]);
    const dbUrl = `sqlite:${join(tmp, 'gw.sqlite')}`;
    gw = await serve(['--policies', policies, '--db', dbUrl, '--port', String(port)]);
    db = await openDatabase(dbUrl);
  });

  after(async () => {
    await gw?.stop();
    await db?.close();
    await op?.close();
    await mail?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A whole OIDC login as `sub` with `claims`; returns the gateway's answer to the callback. */
  async function login(connection: string, sub: string, claims: Claims) {
    op.loginAs(sub, claims);
    const browser = new Browser();
    const start = await browser.get(`${url}/sso/oidc/${connection}/login?return_to=/home`);
    const { stoppedAt } = await browser.follow(start.location!, (u) => u.startsWith(url));
    return browser.get(stoppedAt!);
  }
  const userOf = async (email: string) => {
    const user = await db.knex('users').where({ email_lower: email }).first();
    if (!user) return undefined;
    const teams = (await db.knex('team_memberships').where({ user_id: user.id }).orderBy('team_id')).map((m) => `${m.team_id}:${m.source}`);
    const license = (await db.knex('licenses').where({ user_id: user.id }).first())?.license;
    const decision = await db.knex('license_decisions').where({ user_id: user.id }).orderBy('id', 'desc').first();
    return { name: user.name as string, teams, license, route: decision?.route, reason: decision?.reason };
  };

  it('JIT: the connection team, IdP groups mapped to teams, the default license', async () => {
    const res = await login('acme-oidc', 'alice', { email: 'alice@acme.test', email_verified: true, name: 'Alice', groups: ['Engineers', 'Other'] });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal(`${url}/home`);
    expect(await userOf('alice@acme.test')).to.deep.equal({ name: 'Alice', teams: ['design:jit', 'engineering:group'], license: 'full', route: 'jit', reason: 'standard-default-full' });
  });

  it('a known user follows the IdP: new name, and no stale team when the IdP stops sending the group', async () => {
    const res = await login('acme-oidc', 'alice', { email: 'alice@acme.test', email_verified: true, name: 'Alice Liddell' });
    expect(res.status).to.equal(302);
    expect(await userOf('alice@acme.test')).to.deep.include({ name: 'Alice Liddell', teams: ['design:jit'] });
    expect(Number((await db.knex('users').count({ n: '*' }))[0].n)).to.equal(1);
  });

  it('refuses an email outside the connection domains, writing nothing', async () => {
    const before = Number((await db.knex('users').count({ n: '*' }))[0].n);
    const res = await login('acme-oidc', 'mallory', { email: 'mallory@elsewhere.example', email_verified: true, name: 'M' });
    expect(res.status).to.equal(403);
    expect(res.body).to.include('correlation-id');
    await gw.waitForLog((e) => e.reason === 'email-domain-outside-connection');
    expect(Number((await db.knex('users').count({ n: '*' }))[0].n)).to.equal(before);
  });

  it('captures an outside email where the connection allows outside domains', async () => {
    const res = await login('acme-partners', 'pat', { email: 'pat@partner.example', email_verified: true, name: 'Pat' });
    expect(res.status).to.equal(302);
    expect(await userOf('pat@partner.example')).to.deep.include({ route: 'jit', teams: ['everyone:jit'] });
  });

  it("a pending invitation's team and license win over JIT's", async () => {
    const invited = await fetch(`${url}/admin/api/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'acme', email: 'ivan@acme.test', team: 'engineering', license: 'full' }),
    });
    expect(invited.status, await invited.clone().text()).to.equal(201);
    await mail.next('ivan@acme.test');
    expect((await login('acme-oidc', 'ivan', { email: 'ivan@acme.test', email_verified: true, name: 'Ivan' })).status).to.equal(302);
    expect(await userOf('ivan@acme.test')).to.deep.include({ route: 'admin-invitation', reason: 'admin-chose', license: 'full', teams: ['engineering:invitation'] });
  });

  it('a board guest signing up through JIT gets free where the default is free_restricted', async () => {
    const guest = await fetch(`${url}/admin/api/guest-invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'flex', email: 'gina@flex.test' }),
    });
    expect(guest.status).to.equal(201);
    expect((await login('flex-oidc', 'gina', { email: 'gina@flex.test', email_verified: true, name: 'Gina' })).status).to.equal(302);
    expect(await userOf('gina@flex.test')).to.deep.include({ route: 'jit', license: 'free', reason: 'guest-invited-free' });
    expect((await login('flex-oidc', 'hal', { email: 'hal@flex.test', email_verified: true, name: 'Hal' })).status).to.equal(302);
    expect(await userOf('hal@flex.test')).to.deep.include({ route: 'jit', license: 'free_restricted', reason: 'flp-default' });
  });
});
