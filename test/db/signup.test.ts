import { expect } from 'chai';
import { forEachEngine } from '../helpers/db.js';

const NOW = 1_760_000_000_000;
const HOUR = 3_600_000;

describe('db sign-up tokens and rate limits', () => {
  forEachEngine((t) => {
    const token = (tokenHash: string, expiresAt = NOW + HOUR) => ({ tokenHash, email: 'bob@acme.test', returnTo: '/x', createdAt: NOW, expiresAt });

    it('consumes a sign-up token exactly once, even when two consumers race', async () => {
      await t.repos.signupTokens.create(token('a'.repeat(64)));
      expect(await t.repos.signupTokens.isLive('a'.repeat(64), NOW)).to.equal(true);
      const results = await Promise.all([1, 2, 3].map(() => t.repos.signupTokens.consume('a'.repeat(64), NOW + 1)));
      expect(results.filter((r) => r !== null)).to.have.length(1);
      expect(results.find((r) => r !== null)).to.deep.include({ email: 'bob@acme.test', returnTo: '/x' });
      expect(await t.repos.signupTokens.isLive('a'.repeat(64), NOW)).to.equal(false);
    });

    it('refuses an expired token and sweeps expired ones', async () => {
      await t.repos.signupTokens.create(token('b'.repeat(64), NOW));
      await t.repos.signupTokens.create(token('c'.repeat(64), NOW + HOUR));
      expect(await t.repos.signupTokens.isLive('b'.repeat(64), NOW)).to.equal(false);
      expect(await t.repos.signupTokens.deleteExpired(NOW)).to.equal(1);
      expect(await t.repos.signupTokens.consume('b'.repeat(64), NOW)).to.equal(null);
      expect(await t.repos.signupTokens.consume('c'.repeat(64), NOW)).to.not.equal(null);
    });

    it('counts hits per key in fixed windows, concurrently without losing any', async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => t.repos.rateLimits.hit('k', HOUR, NOW)));
      expect(counts.map((c) => c.count).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await t.repos.rateLimits.hit('other', HOUR, NOW)).count).to.equal(1);
      // A new window starts over.
      expect(await t.repos.rateLimits.hit('k', HOUR, NOW + HOUR)).to.deep.equal({ count: 1, windowStart: NOW + HOUR });
      expect((await t.repos.rateLimits.hit('k', HOUR, NOW + HOUR + 1)).count).to.equal(2);
      expect(await t.repos.rateLimits.deleteExpired(NOW + 1)).to.equal(1);
    });
  });
});
