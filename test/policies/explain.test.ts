import { expect } from 'chai';
import { join } from 'node:path';
import { explain, type PersonFacts } from '../../policies/explain.js';
import { loadPolicies } from '../../policies/load.js';
import type { Policies } from '../../policies/model.js';
import { FIXTURES } from '../helpers/policies.js';

const loaded = loadPolicies(join(FIXTURES, 'valid'), { GLOBEX_OIDC_SECRET: 's', GLOBEX_WEBHOOK_SECRET: 'w'.repeat(20) });
if (!loaded.ok) throw new Error('the valid fixtures must load');
const policies: Policies = loaded.policies;

const facts = (email: string, more: Partial<PersonFacts> = {}): PersonFacts => ({
  email,
  invitedAsGuest: false,
  freeFullSeats: () => 5,
  domainVerified: () => true,
  ...more,
});

describe('explain', () => {
  it('JIT through the connection that has it on, into the connection team', () => {
    const e = explain(policies, facts('Ann@Acme.com'));
    expect(e).to.include({ email: 'ann@acme.com', outcome: 'provisioned', account: 'acme', team: 'engineering', route: 'jit' });
    expect(e.decision).to.deep.equal({ ok: true, license: 'full', reason: 'standard-default-full' });
    expect(e.why).to.include('standard program; 5 of 100 Full seats free');
  });

  it('falls back to free_restricted when no Full seat is free', () => {
    const e = explain(policies, facts('ann@acme.com', { freeFullSeats: () => 0 }));
    expect(e.decision).to.deep.equal({ ok: true, license: 'free_restricted', reason: 'seats-exhausted-fallback' });
  });

  it('request_access: pending approval, license decided later', () => {
    const e = explain(policies, facts('bob@acme.io'));
    expect(e).to.include({ outcome: 'pending-approval', account: 'acme', route: 'domain-control', decision: null });
  });

  it('auto_join_exclusive under the flexible program, with the board-guest exception', () => {
    const plain = explain(policies, facts('cy@globex.example', { freeFullSeats: () => 10 }));
    expect(plain.decision).to.deep.equal({ ok: true, license: 'free_restricted', reason: 'flp-default' });
    const guest = explain(policies, facts('cy@globex.example', { invitedAsGuest: true }));
    // globex-entra has JIT on, so the route is JIT; the guest still gets free.
    expect(guest).to.include({ route: 'jit', team: 'staff' });
    expect(guest.decision).to.deep.equal({ ok: true, license: 'free', reason: 'guest-invited-free' });
  });

  it('a pending invitation wins over JIT', () => {
    const e = explain(policies, facts('dee@acme.com', { pendingInvitation: { accountId: 'acme', kind: 'admin', teamId: null, license: 'full' } }));
    expect(e).to.include({ route: 'admin-invitation', team: 'everyone' });
    expect(e.decision).to.deep.equal({ ok: true, license: 'full', reason: 'admin-chose' });
  });

  it('an existing user is never provisioned twice', () => {
    const e = explain(policies, facts('ann@acme.com', { existingUser: { accountId: 'acme', license: 'full', status: 'active' } }));
    expect(e).to.include({ outcome: 'existing-user', route: null, decision: null });
  });

  it('captures nobody from a public, an unclaimed or an unverified domain', () => {
    expect(explain(policies, facts('eve@gmail.com'))).to.include({ outcome: 'not-captured', account: null });
    expect(explain(policies, facts('eve@elsewhere.example'))).to.include({ outcome: 'not-captured', account: null });
    const unverified = explain(policies, facts('eve@acme.com', { domainVerified: () => false }));
    expect(unverified).to.include({ outcome: 'not-captured', account: 'acme' });
    expect(unverified.why).to.include('acme.com is not verified (dns): neither JIT nor domain control captures its users');
  });
});
