import { expect } from 'chai';
import { OpenRequestExists, type NewLicenseDecision, type User } from '../../db/index.js';
import { accountSnapshot, forEachEngine, rejectionOf } from '../helpers/db.js';

const NOW = 1_760_000_000_000;

describe('db licenses, decisions and license requests', () => {
  forEachEngine((t) => {
    let ann: User;
    let bob: User;
    beforeEach(async () => {
      await t.repos.accounts.sync([accountSnapshot(), accountSnapshot({ id: 'globex', name: 'Globex' })], 'v1', NOW);
      ann = await t.repos.users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
      bob = await t.repos.users.create({ accountId: 'acme', email: 'bob@acme.test', status: 'active', createdAt: NOW });
    });

    const decision = (user: User, overrides: Partial<NewLicenseDecision> = {}): NewLicenseDecision => ({
      accountId: 'acme',
      userId: user.id,
      email: user.email,
      route: 'jit',
      license: 'full',
      reason: 'standard program, a Full seat was free',
      policyVersion: 'v1',
      actor: null,
      decidedAt: NOW,
      ...overrides,
    });

    describe('decisions', () => {
      it('records decisions with numeric ids and lists them newest first', async () => {
        const first = await t.repos.decisions.record(decision(ann));
        const second = await t.repos.decisions.record(decision(ann, { route: 'admin', license: 'free', actor: 'admin@acme.test', decidedAt: NOW + 1 }));
        const refused = await t.repos.decisions.record(decision(ann, { userId: null, email: 'eve@acme.test', license: null, reason: 'no seat' }));
        expect(first).to.be.a('number');
        expect(second).to.be.greaterThan(first);
        const forAnn = await t.repos.decisions.listForUser(ann.id);
        expect(forAnn.map((d) => d.id)).to.deep.equal([second, first]);
        expect(forAnn[0]).to.deep.equal({ id: second, ...decision(ann, { route: 'admin', license: 'free', actor: 'admin@acme.test', decidedAt: NOW + 1 }) });
        expect((await t.repos.decisions.listForAccount('acme')).map((d) => d.id)).to.deep.equal([refused, second, first]);
        expect((await t.repos.decisions.listForAccount('acme', 1)).map((d) => [d.id, d.userId, d.license])).to.deep.equal([[refused, null, null]]);
        expect(await t.repos.decisions.listForAccount('globex')).to.deep.equal([]);
      });
    });

    describe('licenses', () => {
      it('assigns, replaces and counts the current license', async () => {
        expect(await t.repos.licenses.get(ann.id)).to.equal(null);
        const d1 = await t.repos.decisions.record(decision(ann));
        expect(await t.repos.licenses.assign(ann.id, 'acme', 'full', d1, NOW)).to.deep.equal({ userId: ann.id, accountId: 'acme', license: 'full', assignedAt: NOW, decisionId: d1 });
        const d2 = await t.repos.decisions.record(decision(bob, { license: 'free_restricted' }));
        await t.repos.licenses.assign(bob.id, 'acme', 'free_restricted', d2, NOW);
        expect(await t.repos.licenses.countByLicense('acme')).to.deep.equal({ full: 1, free: 0, free_restricted: 1 });

        const d3 = await t.repos.decisions.record(decision(ann, { license: 'free', route: 'admin', decidedAt: NOW + 9 }));
        await t.repos.licenses.assign(ann.id, 'acme', 'free', d3, NOW + 9);
        expect(await t.repos.licenses.get(ann.id)).to.deep.equal({ userId: ann.id, accountId: 'acme', license: 'free', assignedAt: NOW + 9, decisionId: d3 });
        expect(await t.repos.licenses.countByLicense('acme')).to.deep.equal({ full: 0, free: 1, free_restricted: 1 });
        expect(await t.repos.licenses.countByLicense('globex')).to.deep.equal({ full: 0, free: 0, free_restricted: 0 });
      });
    });

    describe('license requests', () => {
      it('allows one open request per user (OpenRequestExists)', async () => {
        const request = await t.repos.licenseRequests.create({ accountId: 'acme', userId: ann.id, note: 'I need Full', createdAt: NOW });
        expect(request).to.include({ accountId: 'acme', userId: ann.id, note: 'I need Full', status: 'open', createdAt: NOW, decidedAt: null, decidedBy: null });
        const err = await rejectionOf(t.repos.licenseRequests.create({ accountId: 'acme', userId: ann.id, createdAt: NOW + 1 }));
        expect(err).to.be.instanceOf(OpenRequestExists);
        expect(err).to.include({ userId: ann.id });
        // Another user may ask at the same time.
        await t.repos.licenseRequests.create({ accountId: 'acme', userId: bob.id, createdAt: NOW + 2 });
        expect((await t.repos.licenseRequests.listOpen('acme')).map((r) => r.userId)).to.deep.equal([ann.id, bob.id]);
      });

      it('decides an open request once; then the user may ask again', async () => {
        const request = await t.repos.licenseRequests.create({ accountId: 'acme', userId: ann.id, createdAt: NOW });
        expect(await t.repos.licenseRequests.decide(request.id, 'denied', 'admin@acme.test', NOW + 5)).to.equal(true);
        expect(await t.repos.licenseRequests.decide(request.id, 'approved', 'admin@acme.test', NOW + 6)).to.equal(false);
        expect(await t.repos.licenseRequests.listOpen('acme')).to.deep.equal([]);
        const again = await t.repos.licenseRequests.create({ accountId: 'acme', userId: ann.id, note: null, createdAt: NOW + 7 });
        expect(await t.repos.licenseRequests.listOpen('acme')).to.deep.equal([again]);
        expect(await t.repos.licenseRequests.decide('no-such-request', 'approved', 'admin@acme.test', NOW)).to.equal(false);
      });
    });
  });
});
