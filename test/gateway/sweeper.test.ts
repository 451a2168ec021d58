import { expect } from 'chai';
import { join } from 'node:path';
import { createLogger } from '../../gateway/log.js';
import { sweepExpired } from '../../gateway/sweeper.js';
import { loadPolicies } from '../../policies/load.js';
import { forEachEngine } from '../helpers/db.js';
import { FIXTURES } from '../helpers/policies.js';
import { toSnapshot } from '../../gateway/boot.js';

const NOW = 1_760_000_000_000;
const loaded = loadPolicies(join(FIXTURES, 'valid'), { GLOBEX_OIDC_SECRET: 's', GLOBEX_WEBHOOK_SECRET: 'w'.repeat(20) });
if (!loaded.ok) throw new Error('fixtures must load');
const policies = loaded.policies;

describe('sweeper', () => {
  forEachEngine((t) => {
    it('deletes expired sessions, sign-up links and rate-limit windows, and nothing live', async () => {
      const runtime = { policies: () => policies, db: t.db, repos: t.repos, log: createLogger({ level: 'silent' }) };
      await t.repos.accounts.sync(policies.accounts.map(toSnapshot), policies.version, NOW);
      const user = await t.repos.users.create({ accountId: 'acme', email: 'ann@acme.com', status: 'active', createdAt: NOW });
      const idle = policies.gateway.session.idleTimeoutMs;
      const session = (idHash: string, createdAt: number, expiresAt: number) => ({ idHash, userId: user.id, accountId: 'acme', createdAt, expiresAt, data: null });
      await t.repos.sessions.create(session('live', NOW, NOW + 1000));
      await t.repos.sessions.create(session('absolute', NOW - 10, NOW));
      await t.repos.sessions.create(session('idle', NOW - idle, NOW + idle));
      await t.repos.signupTokens.create({ tokenHash: 'old', email: 'a@acme.com', returnTo: '/', createdAt: NOW - 10, expiresAt: NOW });
      await t.repos.signupTokens.create({ tokenHash: 'new', email: 'a@acme.com', returnTo: '/', createdAt: NOW, expiresAt: NOW + 1 });
      await t.repos.rateLimits.hit('old', 1000, NOW - policies.gateway.rateLimits.signup.windowMs - 1);
      await t.repos.rateLimits.hit('new', 1000, NOW);

      await t.repos.saml.claimAssertion('acme-okta', '_old', NOW);
      await t.repos.saml.claimAssertion('acme-okta', '_live', NOW + 1);
      const login = { connectionId: 'globex-entra', nonce: 'n', codeVerifier: 'v', returnTo: '/', loginHint: null, createdAt: NOW - 10 };
      await t.repos.oidc.create({ ...login, stateHash: 'old', expiresAt: NOW });
      await t.repos.oidc.create({ ...login, stateHash: 'new', expiresAt: NOW + 1 });

      expect(await sweepExpired(runtime, NOW)).to.deep.equal({ sessions: 2, signupTokens: 1, samlRequestsAndAssertions: 1, oidcLogins: 1, rateLimits: 1 });
      expect(await t.repos.saml.claimAssertion('acme-okta', '_live', NOW + 1)).to.equal(false);
      expect(await t.repos.oidc.consume('new', NOW)).to.not.equal(null);
      expect(await t.repos.sessions.find('live')).to.not.equal(null);
      expect(await t.repos.signupTokens.isLive('new', NOW)).to.equal(true);
    });
  });
});
