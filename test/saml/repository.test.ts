// The SAML repository on every engine: a request ID is consumed once, by one of two
// racing callers; an assertion ID is claimed once.
import { expect } from 'chai';
import { forEachEngine } from '../helpers/db.js';

describe('saml repository', () => {
  forEachEngine((t) => {
    const now = 1_700_000_000_000;
    const request = (id: string, expiresAt = now + 60_000) => ({ id, connectionId: 'c1', returnTo: '/x', createdAt: now, expiresAt });

    it('consumes a request ID exactly once, also under a race', async () => {
      await t.repos.saml.saveRequest(request('_r1'));
      const results = await Promise.all([t.repos.saml.consumeRequest('_r1', 'c1', now), t.repos.saml.consumeRequest('_r1', 'c1', now)]);
      expect(results.filter(Boolean)).to.have.length(1);
      expect(results.find(Boolean)).to.include({ returnTo: '/x' });
      expect(await t.repos.saml.consumeRequest('_r1', 'c1', now)).to.equal(null);
    });

    it('refuses a request ID of another connection, and an expired one', async () => {
      await t.repos.saml.saveRequest(request('_r2'));
      expect(await t.repos.saml.consumeRequest('_r2', 'c2', now)).to.equal(null);
      await t.repos.saml.saveRequest(request('_r3', now - 1));
      expect(await t.repos.saml.consumeRequest('_r3', 'c1', now)).to.equal(null);
    });

    it('claims an assertion ID once per connection, and forgets it after expiry', async () => {
      expect(await t.repos.saml.claimAssertion('c1', '_a1', now + 1000)).to.equal(true);
      expect(await t.repos.saml.claimAssertion('c1', '_a1', now + 1000)).to.equal(false);
      expect(await t.repos.saml.claimAssertion('c2', '_a1', now + 1000)).to.equal(true);
      expect(await t.repos.saml.deleteExpired(now + 1000)).to.be.at.least(2);
      expect(await t.repos.saml.claimAssertion('c1', '_a1', now + 2000)).to.equal(true);
    });
  });
});
