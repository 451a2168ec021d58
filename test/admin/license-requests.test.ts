// License requests, the admin API, the audit log and usage reports end to end: a
// real gateway process, real SMTP, sessions through email sign-up; on every engine.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { openDatabase, type Database } from '../../db/index.js';
import { Client } from '../helpers/browser-ish.js';
import { doorman, serve, type Served } from '../helpers/cli.js';
import { gatewayDb, gatewayEngines, type GatewayDb } from '../helpers/gateway-db.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import { linkIn, startMailSink, type MailSink } from '../helpers/smtp.js';

const PUBLIC = 'http://gateway.test';
const ADMIN_TOKEN = 'admin-token-for-the-license-request-tests';
const DAY_MS = 86_400_000;
const verified = (name: string, control: string) => ({ name, control, verification: { method: 'manual', verified: true } });
const json = { 'content-type': 'application/json' };

for (const engine of gatewayEngines()) {
  describe(`license requests and the admin API (${engine})`, function () {
    this.timeout(60_000);
    let mail: MailSink;
    let gw: Served;
    let gdb: GatewayDb;
    let db: Database;
    let policies: string;

    before(async () => {
      mail = await startMailSink();
      gdb = await gatewayDb(engine);
      policies = writePolicies(
        {
          public_url: PUBLIC,
          upstream_url: 'http://127.0.0.1:9',
          smtp: { url: mail.url, from: 'doorman@gateway.test' },
          admin_tokens: [{ name: 'tests', sha256: createHash('sha256').update(ADMIN_TOKEN).digest('hex') }],
          rate_limits: { signup: { per_address: 50, per_client: 1000 } },
        },
        [
          testAccount('acme', 'acme.test', {
            licensing: { program: 'standard', seats: { full: 1 } },
            teams: [
              { id: 'everyone', name: 'Everyone', default: true },
              { id: 'engineering', name: 'Engineering' },
            ],
            domains: [verified('acme.test', 'auto_join'), verified('ask.acme.test', 'request_access')],
            admins: { emails: ['admin@acme.test'] },
            request_management: { mode: 'email', recipients: ['it@acme.test'] },
            usage: { idle_full_after_days: 30 },
          }),
          testAccount('other', 'other.test'),
        ],
      );
      gw = await serve(['--policies', policies, '--db', gdb.url]);
      db = await openDatabase(gdb.url);
    });

    after(async () => {
      await gw?.stop();
      await db?.close();
      await gdb?.dispose();
      await mail?.close();
    });

    const browser = () => new Client(gw.url, PUBLIC);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${gw.url}/admin/api${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...json }, body: body === undefined ? undefined : JSON.stringify(body) });
    const ask = (c: Client, body: unknown) => c.request('/me/license-requests', { method: 'POST', body: JSON.stringify(body), headers: json });
    const userId = async (email: string) => (await db.knex('users').where({ email_lower: email }).first()).id as string;
    const sessions: Record<string, Client> = {};

    it('a free_restricted user asks for Full once; admins are mailed; a Full user may not ask', async () => {
      for (const who of ['a1', 'a2', 'a3', 'admin']) {
        sessions[who] = browser();
        await signInByEmail(sessions[who], mail, `${who}@acme.test`);
      }
      expect((await (await sessions.a2.request('/me')).json()).license).to.equal('free_restricted');
      const asked = await ask(sessions.a2, { note: 'I review designs' });
      expect(asked.status).to.equal(201);
      expect((await asked.json()).licenseRequest).to.deep.include({ status: 'open', note: 'I review designs' });
      expect((await mail.next('it@acme.test')).raw).to.include('a2@acme.test asks for a Full license');
      const again = await ask(sessions.a2, {});
      expect(again.status).to.equal(409);
      expect((await again.json()).error).to.equal('request-open');
      const full = await ask(sessions.a1, {});
      expect(full.status).to.equal(409);
      expect((await full.json()).error).to.equal('already-full');
      expect((await sessions.a2.request('/me/license-requests', { method: 'POST', body: '{}', headers: { ...json, origin: 'https://evil.example' } })).status).to.equal(403);
      expect((await browser().request('/me/license-requests', { method: 'POST', body: '{}', headers: json })).status).to.equal(401);
    });

    it('approval with no Full seat left is a clear 409 and leaves the request open', async () => {
      const { licenseRequests } = await (await admin('GET', '/license-requests?account=acme&status=open')).json();
      expect(licenseRequests).to.have.length(1);
      expect(licenseRequests[0]).to.deep.include({ email: 'a2@acme.test', status: 'open' });
      const refused = await admin('POST', `/license-requests/${licenseRequests[0].id}/approve`);
      expect(refused.status).to.equal(409);
      expect(await refused.json()).to.deep.equal({ error: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before approving' });
      expect((await db.knex('license_requests').where({ id: licenseRequests[0].id }).first()).status).to.equal('open');
      expect(Number((await db.knex('seat_counters').where({ account_id: 'acme' }).first()).used)).to.equal(1);
    });

    it('approval reserves the seat, records request-approved, mails the user and updates their session', async () => {
      expect((await admin('POST', `/users/${await userId('a1@acme.test')}/deactivate`)).status).to.equal(200);
      const [request] = (await (await admin('GET', '/license-requests?account=acme&status=open')).json()).licenseRequests;
      const approved = await admin('POST', `/license-requests/${request.id}/approve`);
      expect(approved.status).to.equal(200);
      expect(await approved.json()).to.deep.include({ status: 'approved', license: 'full' });
      const decision = await db.knex('license_decisions').where({ email: 'a2@acme.test' }).orderBy('id', 'desc').first();
      expect(decision).to.deep.include({ route: 'license-request', reason: 'request-approved', license: 'full', actor: 'token:tests' });
      expect((await db.knex('licenses').where({ user_id: await userId('a2@acme.test') }).first()).license).to.equal('full');
      expect(Number((await db.knex('seat_counters').where({ account_id: 'acme' }).first()).used)).to.equal(1);
      expect((await mail.next('a2@acme.test')).raw).to.include('was approved');
      expect((await (await sessions.a2.request('/me')).json()).license).to.equal('full');
      expect((await admin('POST', `/license-requests/${request.id}/deny`)).status).to.equal(409);
    });

    it("an admin's session denies from the gateway's origin only; the user is told", async () => {
      expect((await ask(sessions.a3, { note: 'please' })).status).to.equal(201);
      await mail.next('it@acme.test');
      const { licenseRequests } = await (await sessions.admin.request('/admin/api/license-requests?status=open')).json();
      expect(licenseRequests.map((r: { email: string }) => r.email)).to.deep.equal(['a3@acme.test']);
      const forged = await sessions.admin.request(`/admin/api/license-requests/${licenseRequests[0].id}/deny`, { method: 'POST', headers: { origin: 'https://evil.example' } });
      expect(forged.status).to.equal(403);
      const denied = await sessions.admin.request(`/admin/api/license-requests/${licenseRequests[0].id}/deny`, { method: 'POST' });
      expect(denied.status).to.equal(200);
      expect(await denied.json()).to.deep.include({ status: 'denied', license: 'free_restricted' });
      expect((await mail.next('a3@acme.test')).raw).to.include('was declined');
      expect((await sessions.a3.request('/admin/api/license-requests')).status).to.equal(403);
    });

    it('lists users by license, team, domain, status and activity', async () => {
      const emails = async (query: string) => ((await (await admin('GET', `/users?account=acme${query}`)).json()).users as { email: string }[]).map((u) => u.email);
      expect(await emails('&license=full')).to.deep.equal(['a2@acme.test']);
      expect(await emails('&license=free_restricted')).to.deep.equal(['a3@acme.test', 'admin@acme.test']);
      expect(await emails('&status=deactivated')).to.deep.equal(['a1@acme.test']);
      expect(await emails('&domain=acme.test')).to.deep.equal(['a1@acme.test', 'a2@acme.test', 'a3@acme.test', 'admin@acme.test']);
      expect(await emails('&domain=other.test')).to.deep.equal([]);
      await db.knex('users').where({ email_lower: 'a3@acme.test' }).update({ last_active_at: Date.now() - 40 * DAY_MS });
      expect(await emails('&inactive_for_days=30')).to.deep.equal(['a3@acme.test']);
      expect(await emails('&active_within_days=1&status=active')).to.deep.equal(['a2@acme.test', 'admin@acme.test']);
      expect((await admin('GET', '/users?account=acme&license=gold')).status).to.equal(400);
    });

    it('changes team membership, and keeps the session in step', async () => {
      const a2 = await userId('a2@acme.test');
      const added = await admin('POST', `/users/${a2}/teams`, { team: 'engineering' });
      expect(added.status).to.equal(201);
      expect(await added.json()).to.deep.equal({ teams: ['engineering', 'everyone'] });
      expect((await admin('POST', `/users/${a2}/teams`, { team: 'engineering' })).status).to.equal(200);
      expect((await admin('POST', `/users/${a2}/teams`, { team: 'nope' })).status).to.equal(400);
      expect((await (await sessions.a2.request('/me')).json()).teams).to.deep.equal(['engineering', 'everyone']);
      expect(await (await admin('GET', '/users?account=acme&team=engineering')).json()).to.have.nested.property('users[0].email', 'a2@acme.test');
      expect((await admin('DELETE', `/users/${a2}/teams/engineering`)).status).to.equal(204);
      expect((await admin('DELETE', `/users/${a2}/teams/engineering`)).status).to.equal(404);
    });

    it('writes every admin action to the audit log: who, what, when, account, target', async () => {
      const { entries } = await (await admin('GET', '/audit?account=acme')).json();
      const actions = entries.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`);
      expect(actions).to.include.members([
        'token:tests deactivate-user',
        'token:tests approve-license-request',
        'admin@acme.test deny-license-request',
        'token:tests add-team-member',
        'token:tests remove-team-member',
      ]);
      const approval = entries.find((e: { action: string }) => e.action === 'approve-license-request');
      expect(approval).to.include({ accountId: 'acme' });
      expect(approval.target).to.be.a('string');
      expect(approval.createdAt).to.be.closeTo(Date.now(), 60_000);
      expect(approval.details).to.deep.include({ license: 'full' });
      const mine = await (await sessions.admin.request('/admin/api/audit')).json();
      expect(mine.entries.every((e: { accountId: string }) => e.accountId === 'acme')).to.equal(true);
      expect((await sessions.admin.request('/admin/api/audit?account=other')).status).to.equal(404);
    });

    it('reports usage: seats, licenses by team, idle Full users, outsiders, seats over time; JSON and CSV', async () => {
      // Someone of an account domain who is not in the account: an open access request.
      const c = browser();
      await c.request('/sso/login', { form: { email: 'rita@ask.acme.test' } });
      const token = new URL(linkIn(await mail.next('rita@ask.acme.test'))).searchParams.get('token')!;
      expect((await c.request('/sso/verify', { form: { token } })).status).to.equal(403);
      expect((await mail.next('it@acme.test')).raw).to.include('rita@ask.acme.test asks to join');
      await db.knex('users').where({ email_lower: 'a2@acme.test' }).update({ last_active_at: Date.now() - 31 * DAY_MS });

      const report = await (await admin('GET', '/reports/usage?account=acme')).json();
      expect(report.seats).to.deep.equal({ full: { bought: 1, used: 1, free: 0 } });
      expect(report.licenses).to.deep.equal({ full: 1, free: 0, free_restricted: 2 });
      expect(report.teams).to.deep.equal([
        { id: 'everyone', name: 'Everyone', users: 3, full: 1, free: 0, free_restricted: 2 },
        { id: 'engineering', name: 'Engineering', users: 0, full: 0, free: 0, free_restricted: 0 },
      ]);
      expect(report.idleFull.map((u: { email: string }) => u.email)).to.deep.equal(['a2@acme.test']);
      expect(report.idleFull[0].idleDays).to.equal(31);
      expect(report.outsiders).to.deep.include({ email: 'rita@ask.acme.test', accountId: null, source: 'access-request' });
      expect(report.users.find((u: { email: string }) => u.email === 'a1@acme.test')).to.deep.include({ status: 'deactivated', license: null });
      const fullOverTime = report.seatsOverTime.map((p: { full: number }) => p.full);
      expect(fullOverTime.at(-1)).to.equal(1);
      expect(Math.max(...fullOverTime)).to.equal(1);
      expect(fullOverTime).to.include(0);

      const csv = await admin('GET', '/reports/usage?account=acme&format=csv');
      expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).to.match(/attachment; filename="doorman-usage-acme-/);
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines[0]).to.equal('account,email,name,status,license,teams,last_active_at,idle_days,reclaim_candidate');
      expect(lines.find((l) => l.startsWith('acme,a2@acme.test,'))).to.match(/,full,everyone,\d{4}-.*,31,true$/);
      expect(lines).to.have.length(5);
    });

    it('`doorman licenses report` prints the same report as text, JSON and CSV', async () => {
      const text = await doorman(['licenses', 'report', '--policies', policies, '--db', gdb.url, '--account', 'acme']);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.include('Full seats: 1 bought, 1 used, 0 free');
      expect(text.stdout).to.include('a2@acme.test');
      const asJson = await doorman(['licenses', 'report', '--policies', policies, '--db', gdb.url, '--json']);
      expect(asJson.code, asJson.stderr).to.equal(0);
      const reports = JSON.parse(asJson.stdout);
      expect(reports.map((r: { account: { id: string } }) => r.account.id)).to.deep.equal(['acme', 'other']);
      expect(reports[0].seats.full).to.deep.equal({ bought: 1, used: 1, free: 0 });
      const asCsv = await doorman(['licenses', 'report', '--policies', policies, '--db', gdb.url, '--account', 'acme', '--csv']);
      expect(asCsv.stdout.split('\r\n')[0]).to.equal('account,email,name,status,license,teams,last_active_at,idle_days,reclaim_candidate');
      const unknown = await doorman(['licenses', 'report', '--policies', policies, '--db', gdb.url, '--account', 'nope']);
      expect(unknown.code).to.equal(2);
    });
  });
}
