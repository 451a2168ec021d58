// The outbox claim: concurrent senders never take the same message; a delivered
// message is never due again; a lost claim cannot mark a message.
import { expect } from 'chai';
import { forEachEngine } from '../helpers/db.js';

describe('webhook outbox claims', () => {
  forEachEngine((t) => {
    beforeEach(async () => {
      await t.repos.accounts.sync([{ id: 'acme', name: 'Acme', program: 'standard', defaultLicense: null, seatsFull: 1, teams: [{ id: 'everyone', name: 'Everyone', isDefault: true }] }], 'v1', 0);
    });

    it('hands each due message to one sender only, and never again once delivered', async () => {
      for (let i = 0; i < 30; i++) await t.repos.webhookOutbox.enqueue({ accountId: 'acme', event: 'e', url: 'http://x.test/', body: `{"n":${i}}`, createdAt: 1000 });
      const claims = await Promise.all(Array.from({ length: 6 }, () => t.repos.webhookOutbox.claimDue(2000, 60_000, 10)));
      const ids = claims.flat().map((m) => m.id);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids.length).to.equal(30);
      // Claimed: nobody else gets them until the lease is over.
      expect(await t.repos.webhookOutbox.claimDue(3000, 60_000, 50)).to.deep.equal([]);
      const [first] = claims.flat();
      expect(await t.repos.webhookOutbox.markDelivered(first.id, 'someone-else', 3000)).to.equal(false);
      expect(await t.repos.webhookOutbox.markDelivered(first.id, first.claimToken, 3000)).to.equal(true);
      // After the lease: every message but the delivered one is due again.
      const again = await t.repos.webhookOutbox.claimDue(70_000, 60_000, 50);
      expect(again.map((m) => m.id)).to.not.include(first.id);
      expect(again).to.have.length(29);
    });

    it('a failed delivery is due again at its retry time, not before', async () => {
      await t.repos.webhookOutbox.enqueue({ accountId: 'acme', event: 'e', url: 'http://x.test/', body: '{}', createdAt: 1000 });
      const [m] = await t.repos.webhookOutbox.claimDue(1000, 60_000, 5);
      expect(await t.repos.webhookOutbox.markFailed(m.id, m.claimToken, 'HTTP 503', 5000)).to.equal(true);
      expect(await t.repos.webhookOutbox.claimDue(4999, 60_000, 5)).to.deep.equal([]);
      const [retry] = await t.repos.webhookOutbox.claimDue(5000, 60_000, 5);
      expect(retry).to.deep.include({ id: m.id, attempts: 1, lastError: 'HTTP 503' });
    });
  });
});
