import { expect } from 'chai';
import { migrate, migrationStatus } from '../../db/index.js';
import { forEachEngine } from '../helpers/db.js';

const ALL = ['0001_accounts', '0002_users', '0003_licenses', '0004_invitations', '0005_sessions', '0006_saml', '0007_oidc', '0008_signup', '0009_provisioning', '0010_scim', '0011_requests', '0012_policy_snapshots', '0013_session_notify'];

describe('db migrations', () => {
  forEachEngine((t) => {
    it('are all applied, and running them again changes nothing', async () => {
      expect(await migrationStatus(t.db.knex)).to.deep.equal({ applied: ALL, pending: [] });
      expect(await migrate(t.db.knex)).to.deep.equal([]);
      expect(await migrate(t.db.knex)).to.deep.equal([]);
      expect(await migrationStatus(t.db.knex)).to.deep.equal({ applied: ALL, pending: [] });
    });

    it('create the tables', async () => {
      for (const table of ['accounts', 'teams', 'users', 'identities', 'team_memberships', 'licenses', 'seat_counters', 'license_decisions', 'invitations', 'sessions', 'license_requests', 'webhook_outbox', 'request_digests', 'audit_log']) {
        expect(await t.db.knex.schema.hasTable(table), table).to.equal(true);
      }
    });
  });
});
