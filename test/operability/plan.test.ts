// `doorman plan DIR` against a seeded database: each kind of change, the exit codes.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepositories, openDatabase } from '../../db/index.js';
import { doorman } from '../helpers/cli.js';
import { gatewayDb, gatewayEngines, type GatewayDb } from '../helpers/gateway-db.js';
import { writePolicies } from '../helpers/policies.js';
import { createTestSession } from '../helpers/session.js';

const GATEWAY = { public_url: 'http://gateway.test', upstream_url: 'http://127.0.0.1:9' };
const verified = (name: string, control: string) => ({ name, control, verification: { method: 'manual', verified: true } });

/** The account as applied: 100 Full seats, two teams, two domains, one SAML connection. */
const acme = (change: (a: Record<string, unknown>) => void = () => {}): Record<string, unknown> => {
  const account: Record<string, unknown> = {
    id: 'acme',
    name: 'Acme Inc',
    licensing: { program: 'standard', seats: { full: 100 } },
    teams: [
      { id: 'everyone', name: 'Everyone', default: true },
      { id: 'eng', name: 'Engineering' },
    ],
    domains: [verified('acme.test', 'auto_join'), verified('acme.io', 'request_access')],
    connections: [
      {
        id: 'acme-okta',
        type: 'saml',
        domains: ['acme.test'],
        jit: true,
        team: 'eng',
        saml: { idp_entity_id: 'http://idp.test', sso_url: 'http://idp.test/sso', idp_certificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'] },
      },
    ],
  };
  change(account);
  return account;
};

for (const engine of gatewayEngines()) {
  describe(`doorman plan (${engine})`, function () {
    this.timeout(60_000);
    let gdb: GatewayDb;
    let tmp: string;

    before(async () => {
      gdb = await gatewayDb(engine);
      tmp = mkdtempSync(join(tmpdir(), 'doorman-plan-'));
      const live = writePolicies(GATEWAY, [acme()]);
      const migrated = await doorman(['migrate', '--policies', live, '--db', gdb.url]);
      expect(migrated.code, migrated.stderr).to.equal(0);
      // 95 users hold Full: 60 in eng, 35 in everyone; 5 hold free_restricted.
      const db = await openDatabase(gdb.url);
      const repos = createRepositories(db.knex);
      for (let i = 0; i < 100; i++) {
        await createTestSession(repos, { accountId: 'acme', email: `u${i}@acme.test`, license: i < 95 ? 'full' : 'free_restricted', teams: [i < 60 ? 'eng' : 'everyone'] });
      }
      await db.close();
    });

    after(async () => {
      await gdb?.dispose();
      rmSync(tmp, { recursive: true, force: true });
    });

    const plan = async (accounts: Record<string, unknown>[]) => doorman(['plan', writePolicies(GATEWAY, accounts), '--db', gdb.url]);

    it('exits 0 when nothing would change', async () => {
      const run = await plan([acme()]);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.include('no changes');
      expect(run.code).to.equal(0);
    });

    it('seats: how many hold Full, and how many are over', async () => {
      const run = await plan([acme((a) => (a.licensing = { program: 'standard', seats: { full: 80 } }))]);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.include('acme: seats.full 100 -> 80: 95 users hold Full, 15 over');
    });

    it('domains and their control levels', async () => {
      const run = await plan([acme((a) => (a.domains = [verified('acme.test', 'auto_join_exclusive'), verified('acme.dev', 'off')]))]);
      expect(run.code).to.equal(1);
      expect(run.stdout.trim().split('\n')).to.deep.equal([
        'acme: domain acme.test control auto_join -> auto_join_exclusive',
        'acme: domain acme.dev added (control off)',
        'acme: domain acme.io removed: its users keep their accounts; new ones are no longer captured',
      ]);
    });

    it('connections: added, removed, their JIT team', async () => {
      const moved = await plan([acme((a) => ((a.connections as Record<string, unknown>[])[0].team = 'everyone'))]);
      expect(moved.code).to.equal(1);
      expect(moved.stdout).to.include('acme: connection acme-okta team eng -> everyone: new JIT users land in everyone; 60 users stay in eng');
      const removed = await plan([acme((a) => (a.connections = []))]);
      expect(removed.stdout).to.include('acme: connection acme-okta removed: its users can no longer sign in through it');
    });

    it('teams: a removed team with members, the default team, users who would move license', async () => {
      const run = await plan([
        acme((a) => {
          a.teams = [{ id: 'everyone', name: 'Everyone' }, { id: 'staff', name: 'Staff', default: true }];
          (a.connections as Record<string, unknown>[])[0].team = 'staff';
          a.licensing = { program: 'flexible', seats: { full: 100 }, default_license: 'free' };
        }),
      ]);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.include('acme: licensing.program standard -> flexible: new users get free');
      expect(run.stdout).to.include('acme: team staff added');
      expect(run.stdout).to.include('acme: team eng removed: 60 users are in it; it stays in the database until they are moved');
      expect(run.stdout).to.include('acme: default team everyone -> staff: new users land in staff');
    });

    it('accounts added and removed', async () => {
      const run = await plan([{ id: 'initech', name: 'Initech', licensing: { program: 'standard', seats: { full: 5 } }, teams: [{ id: 'all', name: 'All', default: true }] }]);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.include('acme: account removed from the policies: its 100 users stay in the database');
      expect(run.stdout).to.include('initech: account added (standard, 5 Full seats, 0 domains, 0 connections)');
    });

    it('exits 2 with every problem when DIR is invalid', async () => {
      const dir = writePolicies(GATEWAY, [acme()]);
      writeFileSync(join(dir, 'acme.yaml'), 'id: acme\nname: Acme\nlicensing: { program: standard, sets: { full: 3 } }\nteams: [{ id: everyone, name: Everyone, default: true }]\n');
      const run = await doorman(['plan', dir, '--db', gdb.url]);
      expect(run.code).to.equal(2);
      expect(run.stdout).to.match(/acme\.yaml:3:\d+: licensing\.sets: is not a known key/);
    });
  });
}
