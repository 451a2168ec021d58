// 300 people's first sign-in at once against 100 Full seats, over HTTP.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { openDatabase } from '../../db/index.js';
import { serve } from '../helpers/cli.js';
import { gatewayDb, gatewayEngines } from '../helpers/gateway-db.js';
import { testAccount, writePolicies } from '../helpers/policies.js';

const PUBLIC = 'http://gateway.test';

describe('a burst of first logins', function () {
  this.timeout(120_000);
  for (const engine of gatewayEngines()) {
    it(`on ${engine}: 300 concurrent first logins, 100 Full seats -> exactly 100 full and 200 free_restricted, no duplicates, no errors`, async () => {
      const database = await gatewayDb(engine);
      const policies = writePolicies({ public_url: PUBLIC, upstream_url: 'http://127.0.0.1:9', database: { pool_max: 10 } }, [
        testAccount('burst', 'burst.test', { licensing: { program: 'standard', seats: { full: 100 } } }),
      ]);
      const gw = await serve(['--policies', policies, '--db', database.url]);
      const db = await openDatabase(database.url, { poolMax: 2 });
      try {
        // Sign-up links as the mail would carry them; 20 of the people click twice at once.
        const now = Date.now();
        const tokens = Array.from({ length: 300 }, (_, i) => ({ token: randomBytes(24).toString('base64url'), email: `p${i}@burst.test` }));
        await db.knex('signup_tokens').insert(
          tokens.map((t) => ({ token_hash: createHash('sha256').update(t.token).digest('hex'), email: t.email, return_to: '/', created_at: now, expires_at: now + 600_000 })),
        );
        const clicks = [...tokens, ...tokens.slice(0, 20)];
        const statuses = await Promise.all(
          clicks.map(({ token }) =>
            fetch(`${gw.url}/sso/verify`, { method: 'POST', redirect: 'manual', headers: { origin: PUBLIC, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` }).then((r) => r.status),
          ),
        );
        expect(statuses.filter((s) => s === 302)).to.have.length(300);
        expect(statuses.filter((s) => s === 410)).to.have.length(20);
        const counts = (await db.knex('licenses').where({ account_id: 'burst' }).select('license').count({ n: '*' }).groupBy('license')) as { license: string; n: number }[];
        expect(Object.fromEntries(counts.map((c) => [c.license, Number(c.n)]))).to.deep.equal({ full: 100, free_restricted: 200 });
        expect(Number((await db.knex('users').count({ n: '*' }))[0].n)).to.equal(300);
        expect(Number((await db.knex('license_decisions').count({ n: '*' }))[0].n)).to.equal(300);
        expect(await db.knex('seat_counters').where({ account_id: 'burst' }).first()).to.deep.include({ total: 100, used: 100 });
        expect(gw.logs.filter((l) => l.includes('"level":50'))).to.deep.equal([]);
      } finally {
        await gw.stop();
        await db.close();
        await database.dispose();
      }
    });
  }
});
