// Provisioning end to end through real ways in: email sign-up over real SMTP,
// invitation mails, the admin API, a real gateway process and its database.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Database } from '../../db/index.js';
import { Client } from '../helpers/browser-ish.js';
import type { Served } from '../helpers/cli.js';
import { PUBLIC, startMailGateway, type MailGateway } from '../helpers/mail-gateway.js';
import { testAccount } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import type { MailSink, ReceivedMail } from '../helpers/smtp.js';

const ADMIN_TOKEN = 'admin-token-for-the-provisioning-tests';
const verified = (name: string, control: string) => ({ name, control, verification: { method: 'manual', verified: true } });

describe('provisioning through the ways in', function () {
  this.timeout(60_000);
  let env: MailGateway;
  let gw: Served;
  let db: Database;
  let mail: MailSink;

  before(async () => {
    env = await startMailGateway(
      {
        admin_tokens: [{ name: 'tests', sha256: createHash('sha256').update(ADMIN_TOKEN).digest('hex') }],
        rate_limits: { signup: { per_address: 50, per_client: 1000 } },
      },
      [
        testAccount('acme', 'acme.test', {
          licensing: { program: 'standard', seats: { full: 2 } },
          teams: [
            { id: 'everyone', name: 'Everyone', default: true },
            { id: 'engineering', name: 'Engineering' },
          ],
          domains: [verified('acme.test', 'auto_join'), verified('ask.acme.test', 'request_access'), verified('excl.acme.test', 'auto_join_exclusive')],
          admins: { emails: ['admin@acme.test'] },
          invitations: { who_may_invite: 'members', expire_after: '7d' },
          request_management: { mode: 'email', recipients: ['it@acme.test'] },
        }),
        testAccount('flex', 'flex.test', {
          licensing: { program: 'flexible', seats: { full: 1 }, default_license: 'free_restricted' },
          domains: [verified('flex.test', 'auto_join')],
        }),
      ],
    );
    ({ gw, db, mail } = env);
  });
  after(() => env?.close());

  const browser = () => new Client(gw.url, PUBLIC);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${gw.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const userOf = async (email: string) => {
    const user = await db.knex('users').where({ email_lower: email }).first();
    if (!user) return undefined;
    const license = await db.knex('licenses').where({ user_id: user.id }).first();
    const teams = (await db.knex('team_memberships').where({ user_id: user.id }).orderBy('team_id')).map((m) => m.team_id);
    const decision = await db.knex('license_decisions').where({ user_id: user.id }).orderBy('id', 'desc').first();
    return { id: user.id as string, restricted: Boolean(user.restricted), status: user.status as string, license: license?.license, teams, route: decision?.route, reason: decision?.reason };
  };
  const acceptLink = (m: ReceivedMail) => {
    const text = m.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    return new URL(/https?:\/\/[^\s"<>]+\/sso\/invitations\/accept\?token=[A-Za-z0-9_-]+/.exec(text)![0]);
  };

  it('auto_join: the default team and license until the Full seats run out, then free_restricted', async () => {
    await signInByEmail(browser(), mail, 'a1@acme.test');
    await signInByEmail(browser(), mail, 'a2@acme.test');
    await signInByEmail(browser(), mail, 'a3@acme.test');
    expect(await userOf('a1@acme.test')).to.deep.include({ license: 'full', teams: ['everyone'], route: 'domain-control', reason: 'standard-default-full', restricted: false });
    expect(await userOf('a2@acme.test')).to.deep.include({ license: 'full', reason: 'standard-default-full' });
    expect(await userOf('a3@acme.test')).to.deep.include({ license: 'free_restricted', reason: 'seats-exhausted-fallback' });
  });

  it('signing in again never provisions twice', async () => {
    await signInByEmail(browser(), mail, 'a1@acme.test');
    expect(Number((await db.knex('users').where({ email_lower: 'a1@acme.test' }).count({ n: '*' }))[0].n)).to.equal(1);
    expect(Number((await db.knex('license_decisions').where({ email: 'a1@acme.test' }).count({ n: '*' }))[0].n)).to.equal(1);
  });

  it('auto_join_exclusive: joins, and is restricted from creating accounts of their own', async () => {
    const c = browser();
    await signInByEmail(c, mail, 'x@excl.acme.test');
    expect(await userOf('x@excl.acme.test')).to.deep.include({ restricted: true, route: 'domain-control', teams: ['everyone'] });
    expect(await (await c.request('/me')).json()).to.deep.include({ restricted: true });
  });

  it('request_access: a waiting page, the admins told by mail, then approval through the admin API', async () => {
    const c = browser();
    await c.request('/sso/login', { form: { email: 'rita@ask.acme.test' } });
    const token = new URL(/https?:\/\/\S+token=[A-Za-z0-9_-]+/.exec((await mail.next('rita@ask.acme.test')).raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='))![0]).searchParams.get('token')!;
    const waiting = await c.request('/sso/verify', { form: { token } });
    expect(waiting.status).to.equal(403);
    expect(await waiting.text()).to.include('Waiting for approval');
    expect(await userOf('rita@ask.acme.test')).to.equal(undefined);
    const told = await mail.next('it@acme.test');
    expect(told.raw).to.include('rita@ask.acme.test asks to join');

    const list = await (await admin('GET', '/access-requests?account=acme&status=open')).json();
    expect(list.accessRequests).to.have.length(1);
    const approved = await admin('POST', `/access-requests/${list.accessRequests[0].id}/approve`);
    expect(approved.status).to.equal(200);
    expect(await approved.json()).to.deep.include({ status: 'approved', license: 'free_restricted', reason: 'seats-exhausted-fallback' });
    expect(await userOf('rita@ask.acme.test')).to.deep.include({ route: 'domain-control', teams: ['everyone'], status: 'active' });
    expect((await admin('POST', `/access-requests/${list.accessRequests[0].id}/deny`)).status).to.equal(409);

    await signInByEmail(c, mail, 'rita@ask.acme.test');
    expect((await c.request('/me')).status).to.equal(200);
  });

  it('request_access: a denied person gets no user', async () => {
    const c = browser();
    await c.request('/sso/login', { form: { email: 'dan@ask.acme.test' } });
    const token = new URL(/https?:\/\/\S+token=[A-Za-z0-9_-]+/.exec((await mail.next('dan@ask.acme.test')).raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='))![0]).searchParams.get('token')!;
    expect((await c.request('/sso/verify', { form: { token } })).status).to.equal(403);
    const [request] = (await (await admin('GET', '/access-requests?account=acme&status=open')).json()).accessRequests;
    expect((await admin('POST', `/access-requests/${request.id}/deny`)).status).to.equal(200);
    expect(await userOf('dan@ask.acme.test')).to.equal(undefined);
  });

  it('admin invitation: mail at once, accept link, the chosen team and license; idempotent, revocable, resendable', async () => {
    // Free a seat first: deactivating a Full user gives the seat back.
    const a2 = await userOf('a2@acme.test');
    expect((await admin('POST', `/users/${a2!.id}/deactivate`)).status).to.equal(200);
    expect(await userOf('a2@acme.test')).to.deep.include({ status: 'deactivated', license: undefined, reason: 'deactivated' });

    const created = await admin('POST', '/invitations', { account: 'acme', email: 'Carol@Contractor.example', team: 'engineering', license: 'full' });
    expect(created.status).to.equal(201);
    const { invitation } = await created.json();
    const again = await admin('POST', '/invitations', { account: 'acme', email: 'carol@contractor.example', team: 'engineering', license: 'full' });
    expect(again.status).to.equal(200);
    expect((await again.json()).invitation.id).to.equal(invitation.id);

    const first = acceptLink(await mail.next('carol@contractor.example'));
    const resent = await admin('POST', `/invitations/${invitation.id}/resend`);
    expect(resent.status).to.equal(200);
    const second = acceptLink(await mail.next('carol@contractor.example'));
    const c = browser();
    expect((await c.request(`${first.pathname}${first.search}`)).status).to.equal(410);
    const page = await c.request(`${second.pathname}${second.search}`);
    expect(await page.text()).to.include('Accept the invitation');
    const accepted = await c.request('/sso/invitations/accept', { form: { token: second.searchParams.get('token')! } });
    expect(accepted.status).to.equal(302);
    expect(await userOf('carol@contractor.example')).to.deep.include({ license: 'full', teams: ['engineering'], route: 'admin-invitation', reason: 'admin-chose' });
    expect((await db.knex('invitations').where({ id: invitation.id }).first()).status).to.equal('accepted');
    expect((await c.request(`${second.pathname}${second.search}`)).status).to.equal(410);

    const revoked = await (await admin('POST', '/invitations', { account: 'flex', email: 'gone@contractor.example', license: 'free_restricted' })).json();
    expect(revoked.invitation).to.not.equal(undefined);
    const link = acceptLink(await mail.next('gone@contractor.example'));
    expect((await admin('DELETE', `/invitations/${revoked.invitation.id}`)).status).to.equal(204);
    expect((await browser().request(`${link.pathname}${link.search}`)).status).to.equal(410);
  });

  it('an admin choosing Full with no seat left gets a clear 409, free under standard a 400', async () => {
    const full = await admin('POST', '/invitations', { account: 'acme', email: 'late@contractor.example', license: 'full' });
    expect(full.status).to.equal(409);
    expect(await full.json()).to.deep.equal({ error: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before inviting with Full' });
    const free = await admin('POST', '/invitations', { account: 'acme', email: 'late@contractor.example', license: 'free' });
    expect(free.status).to.equal(400);
    expect((await free.json()).error).to.equal('license-not-offered');
  });

  it('a pending invitation wins over domain control: its team, not the default', async () => {
    const a1 = await userOf('a1@acme.test');
    expect((await admin('DELETE', `/users/${a1!.id}`)).status).to.equal(204);
    expect((await admin('POST', '/invitations', { account: 'acme', email: 'ivy@acme.test', team: 'engineering', license: 'full' })).status).to.equal(201);
    await mail.next('ivy@acme.test');
    await signInByEmail(browser(), mail, 'ivy@acme.test');
    expect(await userOf('ivy@acme.test')).to.deep.include({ teams: ['engineering'], route: 'admin-invitation', license: 'full' });
  });

  it('member invitations give the default license; members may invite only where the account allows it', async () => {
    const member = browser();
    await signInByEmail(member, mail, 'a3@acme.test');
    const res = await member.request('/me/invitations', { method: 'POST', body: JSON.stringify({ email: 'mo@partner.example' }), headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(201);
    const link = acceptLink(await mail.next('mo@partner.example'));
    const c = browser();
    await c.request(`${link.pathname}${link.search}`);
    await c.request('/sso/invitations/accept', { form: { token: link.searchParams.get('token')! } });
    expect(await userOf('mo@partner.example')).to.deep.include({ route: 'member-invitation', license: 'free_restricted', reason: 'seats-exhausted-fallback', teams: ['everyone'] });

    const flexMember = browser();
    await signInByEmail(flexMember, mail, 'f0@flex.test');
    const refused = await flexMember.request('/me/invitations', { method: 'POST', body: JSON.stringify({ email: 'x@partner.example' }), headers: { 'content-type': 'application/json' } });
    expect(refused.status).to.equal(403);
  });

  it('flexible program: the FLP default, admins choose free, board guests get free', async () => {
    expect(await userOf('f0@flex.test')).to.deep.include({ license: 'free_restricted', reason: 'flp-default' });
    expect((await admin('POST', '/guest-invitations', { account: 'flex', email: 'guest@flex.test' })).status).to.equal(201);
    expect((await admin('POST', '/guest-invitations', { account: 'flex', email: 'guest@flex.test' })).status).to.equal(200);
    await signInByEmail(browser(), mail, 'guest@flex.test');
    expect(await userOf('guest@flex.test')).to.deep.include({ license: 'free', reason: 'guest-invited-free', route: 'domain-control' });

    expect((await admin('POST', '/invitations', { account: 'flex', email: 'fred@partner.example', license: 'free' })).status).to.equal(201);
    const link = acceptLink(await mail.next('fred@partner.example'));
    const c = browser();
    await c.request('/sso/invitations/accept', { form: { token: link.searchParams.get('token')! } });
    expect(await userOf('fred@partner.example')).to.deep.include({ license: 'free', reason: 'admin-chose' });
  });

  it('license changes reserve and release Full seats, with a recorded decision', async () => {
    const fred = await userOf('fred@partner.example');
    const up = await admin('PATCH', `/users/${fred!.id}`, { license: 'full' });
    expect(up.status).to.equal(200);
    expect(await userOf('fred@partner.example')).to.deep.include({ license: 'full', route: 'admin-change', reason: 'admin-chose' });
    const f0 = await userOf('f0@flex.test');
    expect((await admin('PATCH', `/users/${f0!.id}`, { license: 'full' })).status).to.equal(409);
    expect((await admin('PATCH', `/users/${fred!.id}`, { license: 'free' })).status).to.equal(200);
    expect((await admin('PATCH', `/users/${f0!.id}`, { license: 'full' })).status).to.equal(200);
    const seats = await db.knex('seat_counters').where({ account_id: 'flex' }).first();
    expect(seats).to.deep.include({ total: 1, used: 1 });
  });

  it('refuses the admin API without a valid token, and outside the admin\'s account', async () => {
    expect((await fetch(`${gw.url}/admin/api/users?account=acme`)).status).to.equal(401);
    expect((await fetch(`${gw.url}/admin/api/users?account=acme`, { headers: { authorization: 'Bearer wrong-token' } })).status).to.equal(401);
    const adminSession = browser();
    await signInByEmail(adminSession, mail, 'admin@acme.test');
    expect((await adminSession.request('/admin/api/users')).status).to.equal(200);
    expect((await adminSession.request('/admin/api/users?account=flex')).status).to.equal(404);
    const nonAdmin = browser();
    await signInByEmail(nonAdmin, mail, 'a3@acme.test');
    expect((await nonAdmin.request('/admin/api/users')).status).to.equal(403);
    // An admin's session may change state only from the gateway's own origin.
    const forged = await adminSession.request('/admin/api/guest-invitations', { method: 'POST', body: '{"email":"z@acme.test"}', headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
    expect(forged.status).to.equal(403);
  });
});
