// The SCIM server's contract beyond the IdP replays: auth, errors, limits, lifecycle,
// groups as teams, paging and projection, on a real gateway on each engine.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { createRepositories } from '../../db/index.js';
import { gatewayEngines } from '../helpers/gateway-db.js';
import { NEXT_TOKEN, OTHER_TOKEN, scim, startScimGateway, type ScimGateway } from './helpers.js';

const U = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const user = (userName: string, more: Record<string, unknown> = {}) => ({ schemas: [U], userName, emails: [{ value: userName, type: 'work', primary: true }], active: true, ...more });
const patch = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

for (const engine of gatewayEngines()) {
  describe(`scim server (${engine})`, function () {
    this.timeout(60_000);
    let g: ScimGateway;
    before(async () => (g = await startScimGateway(engine, { seats: 1 })));
    after(() => g?.close());

    const dbUser = async (email: string) => {
      const row = await g.db.knex('users').where({ email_lower: email.toLowerCase() }).first();
      const license = row && (await g.db.knex('licenses').where({ user_id: row.id }).first());
      const decisions = row ? await g.db.knex('license_decisions').where({ user_id: row.id }).orderBy('id') : [];
      const teams = row ? (await g.db.knex('team_memberships').where({ user_id: row.id }).orderBy('team_id')).map((m: { team_id: string }) => m.team_id) : [];
      return { row, license: license?.license as string | undefined, decisions: decisions.map((d: { route: string; license: string | null; reason: string }) => `${d.route}:${d.license}:${d.reason}`), teams };
    };
    const seatsUsed = async () => Number((await g.db.knex('seat_counters').where({ account_id: 'acme', license: 'full' }).first()).used);

    it('refuses a missing, wrong or other connection\'s token with 401 and the Error schema; a rotated token works', async () => {
      for (const token of ['', 'wrong-token', OTHER_TOKEN]) {
        const res = await scim(g.gw, 'GET', '/Users', undefined, { token });
        expect(res.status).to.equal(401);
        expect(res.body).to.include({ status: '401' });
        expect(res.body.schemas).to.deep.equal([ERROR]);
      }
      expect((await scim(g.gw, 'GET', '/Users', undefined, { token: NEXT_TOKEN })).status).to.equal(200);
      expect((await scim(g.gw, 'GET', '/Users', undefined, { token: OTHER_TOKEN, connection: 'globex-entra' })).status).to.equal(200);
    });

    it('counts requests by operation and status in /metrics', async () => {
      await scim(g.gw, 'GET', '/Users');
      await scim(g.gw, 'GET', '/Nope');
      const metrics = await (await fetch(`${g.gw.url}/metrics`)).text();
      expect(metrics).to.match(/doorman_scim_requests_total\{operation="get-users",status="200"\} [1-9]/);
      expect(metrics).to.match(/doorman_scim_requests_total\{operation="get-other",status="404"\} [1-9]/);
    });

    it('answers discovery, 405 for other methods and 404 with the Error schema for unknown paths', async () => {
      expect((await scim(g.gw, 'GET', '/ServiceProviderConfig')).body.patch).to.deep.equal({ supported: true });
      expect((await scim(g.gw, 'GET', '/ResourceTypes')).body.totalResults).to.equal(2);
      expect((await scim(g.gw, 'GET', '/ResourceTypes/User')).body.endpoint).to.equal('/Users');
      expect((await scim(g.gw, 'GET', '/Schemas')).body.totalResults).to.equal(3);
      expect((await scim(g.gw, 'GET', `/Schemas/${U}`)).body.name).to.equal('User');
      const post = await scim(g.gw, 'POST', '/ServiceProviderConfig', {});
      expect(post.status).to.equal(405);
      expect(post.headers.get('allow')).to.equal('GET');
      expect((await scim(g.gw, 'DELETE', '/Schemas')).status).to.equal(405);
      for (const path of ['/Nope', '/Users/a/b', '/Schemas/urn:nope']) {
        const res = await scim(g.gw, 'GET', path);
        expect(res.status, path).to.equal(404);
        expect(res.body.schemas).to.deep.equal([ERROR]);
      }
    });

    it('refuses malformed JSON (400 invalidSyntax), oversized bodies (413), unknown ops and bad filters (400)', async () => {
      expect((await scim(g.gw, 'POST', '/Users', undefined, { raw: '{"userName": ' })).body).to.include({ status: '400', scimType: 'invalidSyntax' });
      expect((await scim(g.gw, 'POST', '/Users', undefined, { raw: JSON.stringify(user('big@acme.test', { title: 'x'.repeat(1_100_000) })) })).status).to.equal(413);
      expect((await scim(g.gw, 'POST', '/Users', user('json@acme.test'), { contentType: 'application/json' })).status).to.equal(201);
      const created = await scim(g.gw, 'POST', '/Users', user('ops@acme.test'));
      const bad = await scim(g.gw, 'PATCH', `/Users/${created.body.id}`, patch({ op: 'replace', path: 'title', value: 'Boss' }, { op: 'frobnicate', path: 'title', value: 'x' }));
      expect(bad.status).to.equal(400);
      expect((await scim(g.gw, 'GET', `/Users/${created.body.id}`)).body.title, 'nothing half-applied').to.equal(undefined);
      for (const filter of ['userName eq', 'userName xx "a"', '((', 'nosuch eq "a"', 'active gt true', 'meta.created gt "not a date"']) {
        const res = await scim(g.gw, 'GET', `/Users?filter=${encodeURIComponent(filter)}`);
        expect(res.body, filter).to.include({ status: '400', scimType: 'invalidFilter' });
      }
    });

    it('answers a POST with the user as a GET then reads it (new or adopted, active or not)', async () => {
      // A user who signed in before the IdP provisioned them: the resource adopts them.
      await createRepositories(g.db.knex).users.create({ accountId: 'acme', email: 'echo.adopted@acme.test', status: 'active', createdAt: Date.now() });
      for (const [userName, active] of [['echo.on@acme.test', true], ['echo.off@acme.test', false], ['echo.adopted@acme.test', true]] as const) {
        const created = await scim(g.gw, 'POST', '/Users', user(userName, { active, name: { givenName: 'Echo', familyName: 'Back' }, title: 'Tester' }));
        expect(created.status).to.equal(201);
        expect(created.body.active).to.equal(active);
        expect(created.body).to.deep.equal((await scim(g.gw, 'GET', `/Users/${created.body.id}`)).body);
      }
    });

    it('409 uniqueness for a userName in another case, 404 for an absent user', async () => {
      expect((await scim(g.gw, 'POST', '/Users', user('dup@acme.test'))).status).to.equal(201);
      const again = await scim(g.gw, 'POST', '/Users', user('DUP@acme.test', { emails: [{ value: 'dup2@acme.test', primary: true }] }));
      expect(again.body).to.include({ status: '409', scimType: 'uniqueness' });
      expect((await scim(g.gw, 'GET', '/Users/no-such-id')).body).to.include({ status: '404' });
    });

    it('provisions with the default license, deactivates (seat freed, sessions revoked), reactivates with a fresh decision, deletes', async () => {
      const before = await seatsUsed();
      const created = await scim(g.gw, 'POST', '/Users', user('life@example.com'));
      const id = created.body.id as string;
      let u = await dbUser('life@example.com');
      expect(u.license).to.be.oneOf(['full', 'free_restricted']);
      expect(u.decisions[0]).to.match(/^scim:/);
      const cookie = randomBytes(16).toString('hex');
      await g.db.knex('sessions').insert({ id_hash: createHash('sha256').update(cookie).digest('hex'), user_id: u.row.id, account_id: 'acme', created_at: Date.now(), last_seen_at: Date.now(), expires_at: Date.now() + 3_600_000, data: '{}' });
      expect((await scim(g.gw, 'PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }))).body.active).to.equal(false);
      u = await dbUser('life@example.com');
      expect(u.row.status).to.equal('deactivated');
      expect(u.license).to.equal(undefined);
      expect(u.decisions.at(-1)).to.equal('scim:null:deactivated');
      expect(await g.db.knex('sessions').where({ user_id: u.row.id })).to.have.length(0);
      expect(await seatsUsed()).to.equal(before);
      await scim(g.gw, 'PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: true } }));
      u = await dbUser('life@example.com');
      expect(u.row.status).to.equal('active');
      expect(u.decisions.at(-1)).to.match(/^scim:(full:standard-default-full|free_restricted:seats-exhausted-fallback)$/);
      // An email change updates the same user.
      await scim(g.gw, 'PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'emails[type eq "work"].value', value: 'life.renamed@example.com' }));
      expect((await dbUser('life.renamed@example.com')).row.id).to.equal(u.row.id);
      expect((await dbUser('life@example.com')).row).to.equal(undefined);
      expect((await scim(g.gw, 'DELETE', `/Users/${id}`)).status).to.equal(204);
      expect((await dbUser('life.renamed@example.com')).row).to.equal(undefined);
      expect(await seatsUsed()).to.equal(before);
    });

    it('maps groups to teams: members join and leave the team, renaming moves them', async () => {
      const a = (await scim(g.gw, 'POST', '/Users', user('team.a@acme.test'))).body.id as string;
      const group = await scim(g.gw, 'POST', '/Groups', { displayName: 'Dev Team', members: [{ value: a }] });
      expect((await dbUser('team.a@acme.test')).teams).to.deep.equal(['engineering', 'everyone']);
      await scim(g.gw, 'PATCH', `/Groups/${group.body.id}`, patch({ op: 'replace', path: 'displayName', value: 'sales' }));
      expect((await dbUser('team.a@acme.test')).teams).to.deep.equal(['everyone', 'sales']);
      await scim(g.gw, 'PATCH', `/Groups/${group.body.id}`, patch({ op: 'remove', path: `members[value eq "${a}"]` }));
      expect((await dbUser('team.a@acme.test')).teams).to.deep.equal(['everyone']);
      expect((await scim(g.gw, 'PATCH', `/Groups/${group.body.id}`, patch({ op: 'add', path: 'members', value: [{ value: 'nobody' }] }))).status).to.equal(400);
    });

    it('pages in a stable order with a maximum page size, and projects attributes', async () => {
      for (let i = 0; i < 5; i++) await scim(g.gw, 'POST', '/Users', user(`page${i}@onelogin.test`, { title: 'Pager' }));
      const filter = encodeURIComponent('title eq "pager" and userName sw "page"');
      const first = await scim(g.gw, 'GET', `/Users?filter=${filter}&startIndex=1&count=2&attributes=userName`);
      const second = await scim(g.gw, 'GET', `/Users?filter=${filter}&startIndex=3&count=2&attributes=userName`);
      expect(first.body).to.include({ totalResults: 5, startIndex: 1, itemsPerPage: 2 });
      // Totals of a last page, a page past the end and an empty page (count=0) are the same 5.
      for (const [startIndex, count, items] of [[5, 2, 1], [7, 2, 0], [1, 0, 0], [1, 10, 5]]) {
        const page = await scim(g.gw, 'GET', `/Users?filter=${filter}&startIndex=${startIndex}&count=${count}`);
        expect(page.body, `startIndex=${startIndex}&count=${count}`).to.include({ totalResults: 5, itemsPerPage: items });
      }
      expect(Object.keys(first.body.Resources![0]).sort()).to.deep.equal(['id', 'schemas', 'userName']);
      expect([...first.body.Resources!, ...second.body.Resources!].map((r) => r.userName)).to.deep.equal(['page0@onelogin.test', 'page1@onelogin.test', 'page2@onelogin.test', 'page3@onelogin.test']);
      expect((await scim(g.gw, 'GET', '/Users?count=100000')).body.itemsPerPage).to.be.at.most(200);
      const excluded = await scim(g.gw, 'GET', `/Users?filter=${filter}&excludedAttributes=emails,title`);
      expect(excluded.body.Resources![0]).to.not.have.any.keys('emails', 'title');
      const not = await scim(g.gw, 'GET', `/Users?filter=${encodeURIComponent('userName sw "page" and not (title pr) or emails[type eq "work" and value ew "page4@onelogin.test"]')}`);
      expect(not.body.Resources!.map((r) => r.userName)).to.deep.equal(['page4@onelogin.test']);
    });

    it('answers 429 with Retry-After above the per-token rate', async () => {
      const limited = await startScimGateway(engine, { perToken: 3 });
      try {
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await scim(limited.gw, 'GET', '/ServiceProviderConfig')).status);
        expect(statuses).to.deep.equal([200, 200, 200, 429]);
        const res = await scim(limited.gw, 'GET', '/Users');
        expect(res.body).to.include({ status: '429', scimType: 'tooMany' });
        expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
        expect((await scim(limited.gw, 'GET', '/Users', undefined, { token: NEXT_TOKEN })).status, 'per token').to.equal(200);
      } finally {
        await limited.close();
      }
    });
  });
}
