// Rate limits claimed from the database in batches: exact for small limits, never more
// than the limit across processes, one write per batch, none for a refused client.
import { expect } from 'chai';
import { createRepositories } from '../../db/index.js';
import { RateLimiter, type Verdict } from '../../gateway/rate-limit.js';
import { forEachEngine } from '../helpers/db.js';

const NOW = 1_760_000_000_000;
const MINUTE = 60_000;

const allowedOf = (verdicts: Verdict[]) => verdicts.filter((v) => v.allowed).length;

describe('rate limits in batches', () => {
  forEachEngine((t) => {
    /** The statements run on the database, counted. */
    const counted = () => {
      let writes = 0;
      const listener = (query: { sql: string }) => {
        if (/rate_limits/.test(query.sql)) writes += 1;
      };
      t.db.knex.on('query', listener);
      return { writes: () => writes, stop: () => t.db.knex.off('query', listener) };
    };

    it('is exact for a small limit: three pass, the fourth waits for the window to end', async () => {
      const limiter = new RateLimiter(t.repos);
      const verdicts: Verdict[] = [];
      for (let i = 0; i < 4; i++) verdicts.push(await limiter.take('signup-address:a@acme.test', 3, MINUTE, NOW + i * 1000));
      expect(verdicts.map((v) => v.allowed)).to.deep.equal([true, true, true, false]);
      expect(verdicts[3]).to.deep.equal({ allowed: false, retryAfterSeconds: 57 });
      expect((await limiter.take('signup-address:a@acme.test', 3, MINUTE, NOW + MINUTE)).allowed, 'a new window').to.equal(true);
    });

    it('claims a twentieth of a large limit at a time, and writes nothing for a refused client', async () => {
      const limiter = new RateLimiter(t.repos);
      const queries = counted();
      try {
        const verdicts: Verdict[] = [];
        for (let i = 0; i < 250; i++) verdicts.push(await limiter.take('scim:okta:main', 200, MINUTE, NOW));
        expect(allowedOf(verdicts)).to.equal(200);
        expect(verdicts.slice(0, 200).every((v) => v.allowed)).to.equal(true);
        // 20 claims of 10, then one that finds none left; the 49 refusals after it write nothing.
        expect(queries.writes()).to.equal(21);
      } finally {
        queries.stop();
      }
    });

    it('lets no more than the limit through across processes sharing the database', async () => {
      // Two processes: two limiters over the same database, taking at once.
      const a = new RateLimiter(t.repos);
      const b = new RateLimiter(createRepositories(t.db.knex, t.db));
      const verdicts = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).take('login-client:10.0.0.1', 200, MINUTE, NOW)));
      const allowed = allowedOf(verdicts);
      expect(allowed).to.be.at.most(200);
      expect(allowed, 'at most a batch per process lost').to.be.at.least(200 - 2 * 10);
    });
  });
});
