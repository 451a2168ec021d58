import { expect } from 'chai';
import type { NewInvitation } from '../../db/index.js';
import { accountSnapshot, forEachEngine } from '../helpers/db.js';

const NOW = 1_760_000_000_000;
const DAY = 86_400_000;

describe('db invitations', () => {
  forEachEngine((t) => {
    beforeEach(() => t.repos.accounts.sync([accountSnapshot(), accountSnapshot({ id: 'globex', name: 'Globex' })], 'v1', NOW));

    const invitation = (overrides: Partial<NewInvitation> = {}): NewInvitation => ({
      accountId: 'acme',
      email: 'Zoe@Example.test',
      kind: 'member',
      createdAt: NOW,
      expiresAt: NOW + 14 * DAY,
      ...overrides,
    });

    it('creates a pending invitation and finds it by email, case-insensitively', async () => {
      const created = await t.repos.invitations.create(invitation({ teamId: 'eng', license: 'full', invitedBy: 'ann@acme.test', tokenHash: 'ab'.repeat(32) }));
      expect(created).to.deep.equal({
        id: created.id,
        accountId: 'acme',
        emailLower: 'zoe@example.test',
        teamId: 'eng',
        license: 'full',
        kind: 'member',
        invitedBy: 'ann@acme.test',
        tokenHash: 'ab'.repeat(32),
        status: 'pending',
        createdAt: NOW,
        expiresAt: NOW + 14 * DAY,
        acceptedAt: null,
      });
      expect(await t.repos.invitations.findPendingByEmail('acme', 'ZOE@example.TEST', NOW + DAY)).to.deep.equal([created]);
      expect(await t.repos.invitations.findPendingByEmail('globex', 'zoe@example.test', NOW + DAY)).to.deep.equal([]);
    });

    it('leaves out expired, accepted and revoked invitations; newest first', async () => {
      const older = await t.repos.invitations.create(invitation({ kind: 'guest' }));
      const newer = await t.repos.invitations.create(invitation({ createdAt: NOW + DAY, expiresAt: NOW + 30 * DAY }));
      expect((await t.repos.invitations.findPendingByEmail('acme', 'zoe@example.test', NOW + 2 * DAY)).map((i) => i.id)).to.deep.equal([newer.id, older.id]);
      expect((await t.repos.invitations.findPendingByEmail('acme', 'zoe@example.test', NOW + 14 * DAY)).map((i) => i.id)).to.deep.equal([newer.id]);

      expect(await t.repos.invitations.markAccepted(newer.id, NOW + 3 * DAY)).to.equal(true);
      expect(await t.repos.invitations.markAccepted(newer.id, NOW + 4 * DAY)).to.equal(false);
      expect(await t.repos.invitations.revoke(newer.id)).to.equal(false);
      expect(await t.repos.invitations.revoke(older.id)).to.equal(true);
      expect(await t.repos.invitations.markAccepted(older.id, NOW + 4 * DAY)).to.equal(false);
      expect(await t.repos.invitations.findPendingByEmail('acme', 'zoe@example.test', NOW + 5 * DAY)).to.deep.equal([]);
    });
  });
});
