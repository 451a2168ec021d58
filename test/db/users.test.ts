import { expect } from 'chai';
import { UniqueViolation, type NewUser } from '../../db/index.js';
import { accountSnapshot, forEachEngine, rejectionOf } from '../helpers/db.js';

const NOW = 1_760_000_000_000;

const newUser = (email: string, overrides: Partial<NewUser> = {}): NewUser => ({ accountId: 'acme', email, status: 'active', createdAt: NOW, ...overrides });

describe('db users, identities and memberships', () => {
  forEachEngine((t) => {
    beforeEach(() => t.repos.accounts.sync([accountSnapshot(), accountSnapshot({ id: 'globex', name: 'Globex' })], 'v1', NOW));

    describe('users', () => {
      it('creates a user with a uuid and maps the row back (booleans, numbers, nulls)', async () => {
        const created = await t.repos.users.create(newUser('Ann.Lee@Acme.test', { name: 'Ann Lee', restricted: true }));
        expect(created.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const found = await t.repos.users.findById(created.id);
        expect(found).to.deep.equal({
          id: created.id,
          accountId: 'acme',
          email: 'Ann.Lee@Acme.test',
          name: 'Ann Lee',
          status: 'active',
          restricted: true,
          createdAt: NOW,
          updatedAt: NOW,
          lastActiveAt: null,
        });
        expect(found).to.deep.equal(created);
        const plain = await t.repos.users.create(newUser('bob@acme.test'));
        expect(await t.repos.users.findById(plain.id)).to.include({ restricted: false, name: null });
        expect(await t.repos.users.findById('00000000-0000-4000-8000-000000000000')).to.equal(null);
      });

      it('finds a user by email case-insensitively, within the account only', async () => {
        const ann = await t.repos.users.create(newUser('Ann@Acme.test'));
        expect(await t.repos.users.findByEmail('acme', 'ANN@acme.TEST')).to.deep.equal(ann);
        expect(await t.repos.users.findByEmail('globex', 'ann@acme.test')).to.equal(null);
      });

      it('allows one user per email per account, case-insensitively (UniqueViolation)', async () => {
        await t.repos.users.create(newUser('ann@acme.test'));
        const err = await rejectionOf(t.repos.users.create(newUser('ANN@ACME.TEST')));
        expect(err).to.be.instanceOf(UniqueViolation);
        expect(err).to.include({ table: 'users' });
        expect((err as UniqueViolation).columns).to.deep.equal(['account_id', 'email_lower']);
        expect((err as UniqueViolation).message).to.not.contain('ann@');
        // The same email in another account is another user.
        await t.repos.users.create(newUser('ann@acme.test', { accountId: 'globex' }));
        expect(await t.repos.users.countByAccount('acme')).to.equal(1);
      });

      it('updates the profile; taking another user\'s email is a UniqueViolation', async () => {
        const ann = await t.repos.users.create(newUser('ann@acme.test'));
        await t.repos.users.create(newUser('bob@acme.test'));
        expect(await t.repos.users.updateProfile(ann.id, { email: 'Ann.Lee@acme.test', name: 'Ann Lee' }, NOW + 5)).to.equal(true);
        expect(await t.repos.users.findByEmail('acme', 'ann.lee@ACME.test')).to.include({ id: ann.id, email: 'Ann.Lee@acme.test', name: 'Ann Lee', updatedAt: NOW + 5 });
        expect(await t.repos.users.updateProfile(ann.id, { name: null }, NOW + 6)).to.equal(true);
        expect(await t.repos.users.findById(ann.id)).to.include({ email: 'Ann.Lee@acme.test', name: null });
        expect(await rejectionOf(t.repos.users.updateProfile(ann.id, { email: 'BOB@acme.test' }, NOW + 7))).to.be.instanceOf(UniqueViolation);
        expect(await t.repos.users.updateProfile('no-such-user', { name: 'x' }, NOW)).to.equal(false);
      });

      it('sets the status, records activity, lists and counts', async () => {
        const bob = await t.repos.users.create(newUser('bob@acme.test'));
        const ann = await t.repos.users.create(newUser('Ann@acme.test', { status: 'pending_approval' }));
        await t.repos.users.create(newUser('carl@acme.test', { accountId: 'globex' }));
        expect(await t.repos.users.setStatus(bob.id, 'deactivated', NOW + 1)).to.equal(true);
        expect(await t.repos.users.touchActivity(ann.id, NOW + 2)).to.equal(true);
        expect(await t.repos.users.touchActivity('no-such-user', NOW + 2)).to.equal(false);
        const listed = await t.repos.users.listByAccount('acme');
        expect(listed.map((u) => [u.email, u.status, u.lastActiveAt])).to.deep.equal([
          ['Ann@acme.test', 'pending_approval', NOW + 2],
          ['bob@acme.test', 'deactivated', null],
        ]);
        expect(await t.repos.users.countByAccount('acme')).to.equal(2);
        expect(await t.repos.users.countByAccount('acme', 'deactivated')).to.equal(1);
        expect(await t.repos.users.countByAccount('acme', 'active')).to.equal(0);
      });
    });

    describe('identities', () => {
      it('finds the user by issuer + subject, never by email', async () => {
        const ann = await t.repos.users.create(newUser('ann@acme.test'));
        const identity = await t.repos.identities.create({ userId: ann.id, connectionId: 'acme-okta', issuer: 'https://okta.acme.test', subject: '00u1', createdAt: NOW });
        expect(identity).to.include({ userId: ann.id, connectionId: 'acme-okta', issuer: 'https://okta.acme.test', subject: '00u1', createdAt: NOW });
        expect(await t.repos.identities.listForUser(ann.id)).to.deep.equal([identity]);
        expect(await t.repos.users.findByIdentity('https://okta.acme.test', '00u1')).to.deep.equal(ann);
        expect(await t.repos.users.findByIdentity('https://other.test', '00u1')).to.equal(null);
        expect(await t.repos.users.findByIdentity('https://okta.acme.test', 'ann@acme.test')).to.equal(null);
      });

      it('allows one identity per issuer + subject (UniqueViolation)', async () => {
        const ann = await t.repos.users.create(newUser('ann@acme.test'));
        const bob = await t.repos.users.create(newUser('bob@acme.test'));
        await t.repos.identities.create({ userId: ann.id, connectionId: 'acme-okta', issuer: 'https://okta.acme.test', subject: 's1', createdAt: NOW });
        const err = await rejectionOf(t.repos.identities.create({ userId: bob.id, connectionId: 'acme-okta', issuer: 'https://okta.acme.test', subject: 's1', createdAt: NOW }));
        expect(err).to.be.instanceOf(UniqueViolation);
        expect(err).to.include({ table: 'identities' });
        expect((err as UniqueViolation).columns).to.deep.equal(['issuer', 'subject']);
        // The same subject at another issuer is another login.
        await t.repos.identities.create({ userId: bob.id, connectionId: 'acme-azure', issuer: 'https://login.azure.test', subject: 's1', createdAt: NOW });
        expect((await t.repos.identities.listForUser(bob.id)).map((i) => i.issuer)).to.deep.equal(['https://login.azure.test']);
      });
    });

    describe('memberships', () => {
      it('adds once, lists and removes', async () => {
        const ann = await t.repos.users.create(newUser('ann@acme.test'));
        expect(await t.repos.memberships.add({ userId: ann.id, accountId: 'acme', teamId: 'everyone', source: 'jit', createdAt: NOW })).to.equal(true);
        expect(await t.repos.memberships.add({ userId: ann.id, accountId: 'acme', teamId: 'everyone', source: 'scim', createdAt: NOW + 1 })).to.equal(false);
        expect(await t.repos.memberships.add({ userId: ann.id, accountId: 'acme', teamId: 'eng', source: 'group', createdAt: NOW })).to.equal(true);
        expect(await t.repos.memberships.listForUser(ann.id)).to.deep.equal([
          { userId: ann.id, accountId: 'acme', teamId: 'eng', source: 'group', createdAt: NOW },
          { userId: ann.id, accountId: 'acme', teamId: 'everyone', source: 'jit', createdAt: NOW },
        ]);
        expect(await t.repos.memberships.remove(ann.id, 'eng')).to.equal(true);
        expect(await t.repos.memberships.remove(ann.id, 'eng')).to.equal(false);
        expect((await t.repos.memberships.listForUser(ann.id)).map((m) => m.teamId)).to.deep.equal(['everyone']);
      });

      it('refuses a team the account does not have (foreign key)', async () => {
        const ann = await t.repos.users.create(newUser('ann@acme.test'));
        const err = await rejectionOf(t.repos.memberships.add({ userId: ann.id, accountId: 'acme', teamId: 'no-such-team', source: 'admin', createdAt: NOW }));
        expect(err).to.be.instanceOf(Error).and.not.instanceOf(UniqueViolation);
        expect(await t.repos.memberships.listForUser(ann.id)).to.deep.equal([]);
      });
    });
  });
});
