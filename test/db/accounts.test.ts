import { expect } from 'chai';
import { accountSnapshot, forEachEngine, rejectionOf } from '../helpers/db.js';

const NOW = 1_760_000_000_000;

describe('db accounts and seats', () => {
  forEachEngine((t) => {
    describe('accounts.sync', () => {
      it('creates accounts, teams and the Full seat counter', async () => {
        await t.repos.accounts.sync([accountSnapshot({ program: 'flexible', defaultLicense: 'free_restricted' })], 'v1', NOW);
        expect(await t.repos.accounts.get('acme')).to.deep.equal({
          id: 'acme',
          name: 'Acme',
          program: 'flexible',
          defaultLicense: 'free_restricted',
          policyVersion: 'v1',
          updatedAt: NOW,
        });
        expect(await t.repos.accounts.listTeams('acme')).to.deep.equal([
          { accountId: 'acme', id: 'eng', name: 'Engineering', isDefault: false },
          { accountId: 'acme', id: 'everyone', name: 'Everyone', isDefault: true },
        ]);
        expect(await t.repos.seats.usage('acme')).to.deep.equal({ total: 5, used: 0, free: 5 });
        expect(await t.repos.accounts.get('nope')).to.equal(null);
      });

      it('updates in place, never touches seat usage, and keeps teams that still have members', async () => {
        const { accounts, seats, users, memberships } = t.repos;
        await accounts.sync([accountSnapshot({ teams: [
          { id: 'everyone', name: 'Everyone', isDefault: true },
          { id: 'eng', name: 'Engineering', isDefault: false },
          { id: 'ops', name: 'Ops', isDefault: false },
        ] })], 'v1', NOW);
        const ann = await users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
        await memberships.add({ userId: ann.id, accountId: 'acme', teamId: 'eng', source: 'jit', createdAt: NOW });
        expect(await seats.reserveFull('acme')).to.equal(true);
        expect(await seats.reserveFull('acme')).to.equal(true);

        // eng (has a member) and ops (empty) leave the policy; sales arrives and becomes the default.
        await accounts.sync([accountSnapshot({ name: 'Acme Corp', seatsFull: 3, teams: [
          { id: 'everyone', name: 'All staff', isDefault: false },
          { id: 'sales', name: 'Sales', isDefault: true },
        ] })], 'v2', NOW + 1);

        const account = await accounts.get('acme');
        expect(account).to.include({ name: 'Acme Corp', policyVersion: 'v2', updatedAt: NOW + 1 });
        expect(await accounts.listTeams('acme')).to.deep.equal([
          { accountId: 'acme', id: 'eng', name: 'Engineering', isDefault: false },
          { accountId: 'acme', id: 'everyone', name: 'All staff', isDefault: false },
          { accountId: 'acme', id: 'sales', name: 'Sales', isDefault: true },
        ]);
        expect(await seats.usage('acme')).to.deep.equal({ total: 3, used: 2, free: 1 });

        // Fewer seats than in use: nothing is taken back, none is free.
        await accounts.sync([accountSnapshot({ seatsFull: 1 })], 'v3', NOW + 2);
        expect(await seats.usage('acme')).to.deep.equal({ total: 1, used: 2, free: 0 });
        expect(await seats.reserveFull('acme')).to.equal(false);
      });

      it('syncs several accounts and leaves accounts missing from the snapshot alone', async () => {
        await t.repos.accounts.sync([accountSnapshot(), accountSnapshot({ id: 'globex', name: 'Globex', seatsFull: 0 })], 'v1', NOW);
        await t.repos.accounts.sync([accountSnapshot({ id: 'globex', name: 'Globex', seatsFull: 2 })], 'v2', NOW);
        expect(await t.repos.accounts.get('acme')).to.include({ policyVersion: 'v1' });
        expect(await t.repos.seats.usage('globex')).to.deep.equal({ total: 2, used: 0, free: 2 });
      });

      it('changes nothing when one snapshot of the batch fails', async () => {
        const broken = accountSnapshot({ id: 'globex', seatsFull: -1 }); // violates the seat counter check
        await t.repos.accounts.sync([accountSnapshot()], 'v1', NOW);
        await rejectionOf(t.repos.accounts.sync([accountSnapshot({ name: 'Renamed' }), broken], 'v2', NOW));
        expect(await t.repos.accounts.get('acme')).to.include({ name: 'Acme', policyVersion: 'v1' });
        expect(await t.repos.accounts.get('globex')).to.equal(null);
      });
    });

    describe('seats', () => {
      beforeEach(() => t.repos.accounts.sync([accountSnapshot({ seatsFull: 2 })], 'v1', NOW));

      it('reserves Full seats until none is free, and releases them', async () => {
        const { seats } = t.repos;
        expect([await seats.reserveFull('acme'), await seats.reserveFull('acme'), await seats.reserveFull('acme')]).to.deep.equal([true, true, false]);
        expect(await seats.usage('acme')).to.deep.equal({ total: 2, used: 2, free: 0 });
        expect(await seats.releaseFull('acme')).to.equal(true);
        expect(await seats.usage('acme')).to.deep.equal({ total: 2, used: 1, free: 1 });
      });

      it('reserves no more than the seats bought when given, even if the counter holds more', async () => {
        const { seats } = t.repos;
        expect([await seats.reserveFull('acme', 1), await seats.reserveFull('acme', 1), await seats.reserveFull('acme', 5)]).to.deep.equal([true, false, true]);
        expect(await seats.reserveFull('acme', 5), 'the counter total still bounds it').to.equal(false);
        expect(await seats.usage('acme')).to.deep.equal({ total: 2, used: 2, free: 0 });
      });

      it('never releases below zero', async () => {
        expect(await t.repos.seats.releaseFull('acme')).to.equal(false);
        expect(await t.repos.seats.usage('acme')).to.deep.equal({ total: 2, used: 0, free: 2 });
      });

      it('has no seats for an unknown account', async () => {
        expect(await t.repos.seats.reserveFull('nope')).to.equal(false);
        expect(await t.repos.seats.usage('nope')).to.deep.equal({ total: 0, used: 0, free: 0 });
      });
    });
  });
});
