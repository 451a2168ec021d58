import { expect } from 'chai';
import { UniqueViolation } from '../../db/index.js';
import { accountSnapshot, forEachEngine, rejectionOf } from '../helpers/db.js';

const NOW = 1_760_000_000_000;

describe('db transactions', () => {
  forEachEngine((t) => {
    beforeEach(() => t.repos.accounts.sync([accountSnapshot({ seatsFull: 3 })], 'v1', NOW));

    it('commits what fn did and returns its result', async () => {
      const id = await t.repos.transaction(async (tx) => {
        const user = await tx.users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
        await tx.seats.reserveFull('acme');
        return user.id;
      });
      expect(await t.repos.users.findById(id)).to.include({ email: 'ann@acme.test' });
      expect(await t.repos.seats.usage('acme')).to.include({ used: 1 });
    });

    it('leaves nothing behind when fn throws', async () => {
      const boom = new Error('boom');
      const err = await rejectionOf(
        t.repos.transaction(async (tx) => {
          const user = await tx.users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
          await tx.seats.reserveFull('acme');
          const decisionId = await tx.decisions.record({ accountId: 'acme', userId: user.id, email: user.email, route: 'jit', license: 'full', reason: 'seat free', policyVersion: 'v1', actor: null, decidedAt: NOW });
          await tx.licenses.assign(user.id, 'acme', 'full', decisionId, NOW);
          await tx.sessions.create({ idHash: 'f'.repeat(64), userId: user.id, accountId: 'acme', createdAt: NOW, expiresAt: NOW + 1, data: null });
          throw boom;
        }),
      );
      expect(err).to.equal(boom);
      expect(await t.repos.users.countByAccount('acme')).to.equal(0);
      expect(await t.repos.seats.usage('acme')).to.deep.equal({ total: 3, used: 0, free: 3 });
      expect(await t.repos.decisions.listForAccount('acme')).to.deep.equal([]);
      expect(await t.repos.sessions.find('f'.repeat(64))).to.equal(null);
    });

    it('reuses the transaction when called again inside fn', async () => {
      const err = await rejectionOf(
        t.repos.transaction(async (tx) => {
          await tx.transaction(async (inner) => {
            await inner.users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
          });
          // The inner call committed nothing on its own: the outer failure undoes it.
          throw new Error('outer fails');
        }),
      );
      expect(err).to.have.property('message', 'outer fails');
      expect(await t.repos.users.countByAccount('acme')).to.equal(0);
    });

    it('stays usable after a UniqueViolation inside it (a caller can look the row up and go on)', async () => {
      const existing = await t.repos.users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
      const found = await t.repos.transaction(async (tx) => {
        try {
          await tx.users.create({ accountId: 'acme', email: 'Ann@acme.test', status: 'active', createdAt: NOW });
          expect.fail('the second create should clash');
        } catch (err) {
          if (!(err instanceof UniqueViolation)) throw err;
        }
        const user = await tx.users.findByEmail('acme', 'ann@acme.test');
        await tx.users.setStatus(existing.id, 'deactivated', NOW + 1);
        return user;
      });
      expect(found).to.deep.equal(existing);
      expect(await t.repos.users.findById(existing.id)).to.include({ status: 'deactivated' });
    });
  });
});
