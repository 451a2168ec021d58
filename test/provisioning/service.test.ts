import { expect } from 'chai';
import { join } from 'node:path';
import { toSnapshot } from '../../gateway/boot.js';
import { syncProfile } from '../../gateway/profile-sync.js';
import { InvitationGone, provisionUser, type ProvisionRequest } from '../../gateway/provisioning.js';
import { loadPolicies } from '../../policies/load.js';
import type { Connection } from '../../policies/schema.js';
import { forEachEngine } from '../helpers/db.js';
import { FIXTURES } from '../helpers/policies.js';

const NOW = 1_760_000_000_000;
const loaded = loadPolicies(join(FIXTURES, 'valid'), { GLOBEX_OIDC_SECRET: 's', GLOBEX_WEBHOOK_SECRET: 'w'.repeat(20) });
if (!loaded.ok) throw new Error('fixtures must load');
const policies = loaded.policies;
const acme = policies.account('acme')!;
const okta = policies.connection('acme-okta')!.connection;

describe('provisioning service', () => {
  forEachEngine((t) => {
    beforeEach(() => t.repos.accounts.sync(policies.accounts.map(toSnapshot), policies.version, NOW));
    const request = (email: string, more: Partial<ProvisionRequest> = {}): ProvisionRequest => ({
      account: acme,
      teamId: 'everyone',
      route: 'jit',
      email,
      name: 'Ann',
      identity: { connectionId: 'acme-okta', issuer: 'http://www.okta.com/exk1acme', subject: email },
      ...more,
    });
    const counts = async () => ({
      users: await t.repos.users.countByAccount('acme'),
      seatsUsed: (await t.repos.seats.usage('acme')).used,
      decisions: (await t.repos.decisions.listForAccount('acme')).length,
    });

    it('creates user, identity, membership, license and decision together', async () => {
      const result = await provisionUser(t.repos, policies, request('ann@acme.com'), NOW);
      expect(result).to.deep.include({ ok: true, license: 'full', reason: 'standard-default-full', created: true });
      const user = await t.repos.users.findByIdentity('http://www.okta.com/exk1acme', 'ann@acme.com');
      expect(user?.email).to.equal('ann@acme.com');
      expect((await t.repos.memberships.listForUser(user!.id)).map((m) => m.teamId)).to.deep.equal(['everyone']);
      const [decision] = await t.repos.decisions.listForUser(user!.id);
      expect(decision).to.include({ route: 'jit', license: 'full', reason: 'standard-default-full', policyVersion: policies.version });
      expect(await counts()).to.deep.equal({ users: 1, seatsUsed: 1, decisions: 1 });
    });

    it('leaves nothing behind when a step fails: no user, no seat, no decision', async () => {
      let failure: unknown;
      await provisionUser(t.repos, policies, request('bad@acme.com', { teamId: 'no-such-team' }), NOW).catch((err) => (failure = err));
      expect(failure).to.be.instanceOf(Error);
      expect(await counts()).to.deep.equal({ users: 0, seatsUsed: 0, decisions: 0 });
    });

    it('rolls back when the invitation was revoked meanwhile', async () => {
      const invitation = await t.repos.invitations.create({ accountId: 'acme', email: 'inv@acme.com', kind: 'admin', license: 'full', createdAt: NOW, expiresAt: NOW + 1000 });
      await t.repos.invitations.revoke(invitation.id);
      let failure: unknown;
      await provisionUser(t.repos, policies, request('inv@acme.com', { route: 'admin-invitation', adminChoice: 'full', invitationId: invitation.id }), NOW).catch((err) => (failure = err));
      expect(failure).to.be.instanceOf(InvitationGone);
      expect(await counts()).to.deep.equal({ users: 0, seatsUsed: 0, decisions: 0 });
    });

    it('maps IdP groups to teams, and drops group memberships the IdP stops sending', async () => {
      const result = await provisionUser(t.repos, policies, request('gus@acme.com', { connection: okta, groups: ['Engineers', 'Unmapped'] }), NOW);
      if (!result.ok) throw new Error(result.message);
      const teams = async () => (await t.repos.memberships.listForUser(result.user.id)).map((m) => `${m.teamId}:${m.source}`).sort();
      expect(await teams()).to.deep.equal(['engineering:group', 'everyone:jit']);
      const identity = { protocol: 'saml' as const, connectionId: 'acme-okta', issuer: 'x', subject: 'gus@acme.com', email: 'gus@acme.com', name: 'Gus', groups: null };
      await syncProfile(t.repos, result.user, identity, okta, NOW + 1);
      expect(await teams()).to.deep.equal(['everyone:jit']);
      await syncProfile(t.repos, result.user, { ...identity, groups: ['Engineers'] }, okta, NOW + 2);
      expect(await teams()).to.deep.equal(['engineering:group', 'everyone:jit']);
    });

    it('updates name and email on each login, or only on the first, as the connection says', async () => {
      const result = await provisionUser(t.repos, policies, request('old@acme.com'), NOW);
      if (!result.ok) throw new Error(result.message);
      const identity = { protocol: 'saml' as const, connectionId: 'acme-okta', issuer: 'x', subject: 'old@acme.com', email: 'new@acme.com', name: 'Renamed', groups: null };
      const firstOnly: Connection = { ...okta, profile_sync: 'on_first_login' };
      await syncProfile(t.repos, result.user, identity, firstOnly, NOW + 1);
      expect(await t.repos.users.findById(result.user.id)).to.include({ email: 'old@acme.com', name: 'Ann' });
      await syncProfile(t.repos, result.user, identity, okta, NOW + 2);
      expect(await t.repos.users.findById(result.user.id)).to.include({ email: 'new@acme.com', name: 'Renamed' });
      // An email outside the connection's domains is not taken over.
      await syncProfile(t.repos, result.user, { ...identity, email: 'evil@elsewhere.example' }, okta, NOW + 3);
      expect((await t.repos.users.findById(result.user.id))?.email).to.equal('new@acme.com');
    });
  });
});

describe('provisioning service, one person by two ways at once', () => {
  forEachEngine((t) => {
    it('ends up as one user with both logins linked, one decision, one seat', async () => {
      await t.repos.accounts.sync(policies.accounts.map(toSnapshot), policies.version, NOW);
      const base = { account: acme, teamId: 'everyone', email: 'twice@acme.com', name: 'Twice' };
      const results = await Promise.all([
        provisionUser(t.repos, policies, { ...base, route: 'jit', identity: { connectionId: 'acme-okta', issuer: 'http://www.okta.com/exk1acme', subject: '00u-twice' } }, NOW),
        provisionUser(t.repos, policies, { ...base, route: 'domain-control', identity: { connectionId: 'email', issuer: 'doorman:email', subject: 'twice@acme.com' } }, NOW),
      ]);
      const users = results.map((r) => (r.ok ? r.user.id : r.refusal));
      expect(users[0]).to.equal(users[1]);
      expect(results.filter((r) => r.ok && r.created)).to.have.length(1);
      expect((await t.repos.identities.listForUser(users[0])).map((i) => i.issuer).sort()).to.deep.equal(['doorman:email', 'http://www.okta.com/exk1acme']);
      expect(await t.repos.users.countByAccount('acme')).to.equal(1);
      expect((await t.repos.seats.usage('acme')).used).to.equal(1);
      expect(await t.repos.decisions.listForAccount('acme')).to.have.length(1);
    });
  });
});
