import { expect } from 'chai';
import type { User } from '../../db/index.js';
import { accountSnapshot, forEachEngine } from '../helpers/db.js';

const NOW = 1_760_000_000_000;
const MINUTE = 60_000;
const IDLE = 30 * MINUTE;
const hash = (c: string) => c.repeat(64);

describe('db sessions', () => {
  forEachEngine((t) => {
    let ann: User;
    let bob: User;
    beforeEach(async () => {
      await t.repos.accounts.sync([accountSnapshot()], 'v1', NOW);
      ann = await t.repos.users.create({ accountId: 'acme', email: 'ann@acme.test', status: 'active', createdAt: NOW });
      bob = await t.repos.users.create({ accountId: 'acme', email: 'bob@acme.test', status: 'active', createdAt: NOW });
    });

    const session = (idHash: string, user: User, createdAt = NOW) => ({ idHash, userId: user.id, accountId: 'acme', createdAt, expiresAt: createdAt + 720 * MINUTE, data: null });

    it('creates, finds, touches and deletes a session', async () => {
      const data = { returnTo: '/projects/7', groups: ['eng'], mfa: true };
      const created = await t.repos.sessions.create({ ...session(hash('a'), ann), data });
      const expected = { idHash: hash('a'), userId: ann.id, accountId: 'acme', createdAt: NOW, lastSeenAt: NOW, expiresAt: NOW + 720 * MINUTE, data };
      expect(created).to.deep.equal(expected);
      expect(await t.repos.sessions.find(hash('a'))).to.deep.equal(expected);

      expect(await t.repos.sessions.touch(hash('a'), NOW + 5 * MINUTE)).to.equal(true);
      expect(await t.repos.sessions.find(hash('a'))).to.include({ lastSeenAt: NOW + 5 * MINUTE, expiresAt: NOW + 720 * MINUTE });

      expect(await t.repos.sessions.delete(hash('a'))).to.equal(true);
      expect(await t.repos.sessions.delete(hash('a'))).to.equal(false);
      expect(await t.repos.sessions.find(hash('a'))).to.equal(null);
      expect(await t.repos.sessions.touch(hash('a'), NOW)).to.equal(false);
    });

    it('looks a session up while a transaction holds the writer, and sees the transaction only once committed', async () => {
      await t.repos.sessions.create(session(hash('a'), ann));
      await t.repos.transaction(async (tx) => {
        await tx.sessions.create(session(hash('b'), bob));
        expect(await tx.sessions.find(hash('b')), 'the transaction sees its own write').to.include({ userId: bob.id });
        // On SQLite the transaction holds the only knex connection: this answers only because it reads elsewhere.
        expect(await t.repos.sessions.find(hash('a'))).to.include({ userId: ann.id });
        expect(await t.repos.sessions.find(hash('b')), 'not committed yet').to.equal(null);
      });
      expect(await t.repos.sessions.find(hash('b'))).to.include({ userId: bob.id });
      if (t.engine === 'sqlite') expect(t.db.reader, 'SQLite opens a read-only connection').to.not.equal(undefined);
    });

    it('ends all sessions of one user', async () => {
      await t.repos.sessions.create(session(hash('a'), ann));
      await t.repos.sessions.create(session(hash('b'), ann));
      await t.repos.sessions.create(session(hash('c'), bob));
      expect(await t.repos.sessions.deleteForUser(ann.id)).to.equal(2);
      expect(await t.repos.sessions.deleteForUser(ann.id)).to.equal(0);
      expect(await t.repos.sessions.find(hash('c'))).to.include({ userId: bob.id, data: null });
    });

    it('deletes sessions past their absolute end or idle too long', async () => {
      await t.repos.sessions.create({ ...session(hash('a'), ann), expiresAt: NOW + 60 * MINUTE }); // absolute end reached
      await t.repos.sessions.create(session(hash('b'), ann)); // idle since NOW
      await t.repos.sessions.create(session(hash('c'), bob)); // active
      await t.repos.sessions.touch(hash('a'), NOW + 59 * MINUTE);
      await t.repos.sessions.touch(hash('b'), NOW + 30 * MINUTE);
      await t.repos.sessions.touch(hash('c'), NOW + 59 * MINUTE);

      expect(await t.repos.sessions.deleteExpired(NOW + 59 * MINUTE, IDLE)).to.equal(0);
      expect(await t.repos.sessions.deleteExpired(NOW + 60 * MINUTE, IDLE)).to.equal(2);
      expect(await t.repos.sessions.find(hash('a'))).to.equal(null);
      expect(await t.repos.sessions.find(hash('b'))).to.equal(null);
      expect(await t.repos.sessions.find(hash('c'))).to.not.equal(null);
    });
  });
});
