import { expect } from 'chai';
import type { License } from '../../db/index.js';
import { accountSnapshot, forEachEngine } from '../helpers/db.js';

const NOW = 1_760_000_000_000;
const SEATS = 50;
const LOGINS = 200;

describe('db Full seats under concurrent logins', () => {
  forEachEngine((t) => {
    it(`gives exactly ${SEATS} of ${LOGINS} simultaneous new users a Full seat`, async () => {
      await t.repos.accounts.sync([accountSnapshot({ seatsFull: SEATS })], 'v1', NOW);
      let inFlight = 0;
      let maxInFlight = 0;

      const login = (i: number) =>
        t.repos.transaction(async (tx): Promise<License> => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            const license: License = (await tx.seats.reserveFull('acme')) ? 'full' : 'free_restricted';
            const user = await tx.users.create({ accountId: 'acme', email: `user${i}@acme.test`, status: 'active', createdAt: NOW + i });
            const decisionId = await tx.decisions.record({
              accountId: 'acme',
              userId: user.id,
              email: user.email,
              route: 'jit',
              license,
              reason: license === 'full' ? 'a Full seat was free' : 'no Full seat left',
              policyVersion: 'v1',
              actor: null,
              decidedAt: NOW + i,
            });
            await tx.licenses.assign(user.id, 'acme', license, decisionId, NOW + i);
            return license;
          } finally {
            inFlight--;
          }
        });

      const licenses = await Promise.all(Array.from({ length: LOGINS }, (_, i) => login(i)));

      expect(licenses.filter((l) => l === 'full')).to.have.length(SEATS);
      expect(await t.repos.users.countByAccount('acme')).to.equal(LOGINS);
      expect(await t.repos.licenses.countByLicense('acme')).to.deep.equal({ full: SEATS, free: 0, free_restricted: LOGINS - SEATS });
      expect(await t.repos.seats.usage('acme')).to.deep.equal({ total: SEATS, used: SEATS, free: 0 });
      expect(await t.repos.decisions.listForAccount('acme', LOGINS + 1)).to.have.length(LOGINS);
      // SQLite has one connection, so transactions take turns; PostgreSQL runs them side by side.
      if (t.engine === 'postgres') expect(maxInFlight).to.be.greaterThan(1);
      else expect(maxInFlight).to.equal(1);
    });
  });
});
