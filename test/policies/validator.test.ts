import { expect } from 'chai';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicies } from '../../policies/load.js';
import { formatProblem } from '../../policies/model.js';
import { FIXTURES, policyDir } from '../helpers/policies.js';

const VALID_ENV = { GLOBEX_OIDC_SECRET: 'globex-oidc-secret', GLOBEX_WEBHOOK_SECRET: 'globex-webhook-secret-0123456789' };

describe('policy validator', () => {
  describe('invalid fixtures: each file beside the exact messages expected', () => {
    const invalid = join(FIXTURES, 'invalid');
    for (const file of readdirSync(invalid).filter((n) => n.endsWith('.yaml'))) {
      it(file.replace(/\.yaml$/, ''), () => {
        // gateway-* fixtures replace gateway.yaml; the others join the base folder as an account file.
        const name = file.startsWith('gateway-') ? 'gateway.yaml' : file;
        const dir = policyDir('invalid/base', { [name]: readFileSync(join(invalid, file), 'utf8') });
        const result = loadPolicies(dir, {});
        expect(result.ok).to.equal(false);
        const expected = readFileSync(join(invalid, file.replace(/\.yaml$/, '.expected')), 'utf8').trim().split('\n');
        expect(result.ok ? [] : result.problems.map(formatProblem)).to.deep.equal(expected);
      });
    }
  });

  it('accepts the valid fixtures, resolving ${ENV} references and applying defaults', () => {
    const result = loadPolicies(join(FIXTURES, 'valid'), VALID_ENV);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const { policies } = result;
    expect(policies.accounts.map((a) => a.id)).to.deep.equal(['acme', 'globex']);
    expect(policies.gateway.session).to.deep.equal({ cookieName: 'doorman_session', idleTimeoutMs: 1_800_000, absoluteTimeoutMs: 43_200_000 });
    const globex = policies.connection('globex-entra');
    expect(globex?.account.id).to.equal('globex');
    expect(globex?.connection.oidc?.client_secret).to.equal('globex-oidc-secret');
    expect(policies.domain('ACME.com')?.domain.control).to.equal('auto_join');
    expect(policies.domain('acme.com')?.account.defaultTeam).to.equal('everyone');
    expect(policies.domain('gmail.com')).to.equal(undefined);
    expect(policies.account('globex')?.licensing).to.deep.equal({ program: 'flexible', seatsFull: 10, defaultLicense: 'free_restricted' });
    expect(policies.account('acme')?.licensing.defaultLicense).to.equal(null);
    expect(policies.version).to.match(/^[0-9a-f]{12}$/);
  });

  it('treats an empty ${ENV} value as missing, never as an empty secret', () => {
    const result = loadPolicies(join(FIXTURES, 'valid'), { ...VALID_ENV, GLOBEX_OIDC_SECRET: '' });
    expect(result.ok).to.equal(false);
    expect(result.ok ? [] : result.problems.map(formatProblem)).to.deep.equal([
      'globex.yaml:26:22: connections[0].oidc.client_secret: environment variable GLOBEX_OIDC_SECRET is not set (referenced as ${GLOBEX_OIDC_SECRET})',
    ]);
  });

  it('warns, without failing, about a domain marked verified by hand', () => {
    const dir = policyDir('valid');
    const globex = readFileSync(join(dir, 'globex.yaml'), 'utf8').replace('      method: manual\n', '      method: manual\n      verified: true\n');
    writeFileSync(join(dir, 'globex.yaml'), globex);
    const result = loadPolicies(dir, VALID_ENV);
    expect(result.ok).to.equal(true);
    expect(result.warnings.map(formatProblem)).to.deep.equal([
      'globex.yaml:18:17: domains[0].verification.verified: warning: globex.example is marked verified by hand, without a DNS check',
    ]);
    expect(result.ok && result.policies.domain('globex.example')?.domain.verification.verified).to.equal(true);
  });

  it('reports a missing gateway.yaml and a missing folder', () => {
    const dir = policyDir('valid');
    rmSync(join(dir, 'gateway.yaml'));
    const missing = loadPolicies(dir, VALID_ENV);
    expect(missing.ok ? [] : missing.problems.map(formatProblem)).to.deep.equal([`gateway.yaml:1:1: (file): gateway.yaml is missing from ${dir}`]);
    const nowhere = loadPolicies('/nonexistent/policies', {});
    expect(nowhere.ok ? [] : nowhere.problems.map(formatProblem)).to.deep.equal([
      '/nonexistent/policies:1:1: (file): cannot read the policies folder: ENOENT',
    ]);
  });

  it('gives a new policy version when any file changes, and the same one when none does', () => {
    const dir = policyDir('valid');
    const first = loadPolicies(dir, VALID_ENV);
    const again = loadPolicies(dir, VALID_ENV);
    writeFileSync(join(dir, 'acme.yaml'), readFileSync(join(dir, 'acme.yaml'), 'utf8').replace('full: 100', 'full: 80'));
    const changed = loadPolicies(dir, VALID_ENV);
    if (!first.ok || !again.ok || !changed.ok) throw new Error('fixtures should load');
    expect(again.policies.version).to.equal(first.policies.version);
    expect(changed.policies.version).to.not.equal(first.policies.version);
    expect(changed.policies.account('acme')?.licensing.seatsFull).to.equal(80);
  });
});
