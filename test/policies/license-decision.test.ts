import { expect } from 'chai';
import { decideLicense, DECISION_ROUTES, type Decision, type DecisionFacts } from '../../policies/license-decision.js';

const standard = { program: 'standard', defaultLicense: null } as const;
const flpRestricted = { program: 'flexible', defaultLicense: 'free_restricted' } as const;
const flpFree = { program: 'flexible', defaultLicense: 'free' } as const;

type Row = [string, DecisionFacts, Decision];
const ok = (license: string, reason: string) => ({ ok: true, license, reason }) as Decision;

// Every rule of "Domain words" in DESIGN.md, one row each.
const rows: Row[] = [
  ...(['member-invitation', 'jit', 'scim', 'domain-control'] as const).flatMap((route): Row[] => [
    [`${route}, standard, seats free -> full`, { route, licensing: standard, freeFullSeats: 3 }, ok('full', 'standard-default-full')],
    [`${route}, standard, no seat -> free_restricted`, { route, licensing: standard, freeFullSeats: 0 }, ok('free_restricted', 'seats-exhausted-fallback')],
    [`${route}, flexible -> the FLP default free_restricted`, { route, licensing: flpRestricted, freeFullSeats: 9 }, ok('free_restricted', 'flp-default')],
    [`${route}, flexible -> the FLP default free`, { route, licensing: flpFree, freeFullSeats: 9 }, ok('free', 'flp-default')],
  ]),
  // The board-guest exception: free on sign-up through JIT or domain control, even where the default is free_restricted.
  ['jit, guest, flexible free_restricted -> free', { route: 'jit', licensing: flpRestricted, freeFullSeats: 5, invitedAsGuest: true }, ok('free', 'guest-invited-free')],
  ['domain-control, guest, flexible -> free', { route: 'domain-control', licensing: flpRestricted, freeFullSeats: 0, invitedAsGuest: true }, ok('free', 'guest-invited-free')],
  ['jit, guest, standard without seats -> free', { route: 'jit', licensing: standard, freeFullSeats: 0, invitedAsGuest: true }, ok('free', 'guest-invited-free')],
  ['jit, guest, standard with seats -> full (the default is not free_restricted)', { route: 'jit', licensing: standard, freeFullSeats: 1, invitedAsGuest: true }, ok('full', 'standard-default-full')],
  ['jit, guest, flexible free -> free by the FLP default', { route: 'jit', licensing: flpFree, freeFullSeats: 0, invitedAsGuest: true }, ok('free', 'flp-default')],
  ['scim, guest -> no exception (not a sign-up)', { route: 'scim', licensing: flpRestricted, freeFullSeats: 0, invitedAsGuest: true }, ok('free_restricted', 'flp-default')],
  ['member-invitation, guest -> no exception', { route: 'member-invitation', licensing: flpRestricted, freeFullSeats: 0, invitedAsGuest: true }, ok('free_restricted', 'flp-default')],
  // Admin invitations: the admin's choice, free and free_restricted under the flexible program only.
  ['admin chooses full, standard, seat free', { route: 'admin-invitation', licensing: standard, freeFullSeats: 1, adminChoice: 'full' }, ok('full', 'admin-chose')],
  ['admin chooses full, flexible, seat free', { route: 'admin-invitation', licensing: flpRestricted, freeFullSeats: 1, adminChoice: 'full' }, ok('full', 'admin-chose')],
  ['admin chooses free, flexible', { route: 'admin-invitation', licensing: flpRestricted, freeFullSeats: 0, adminChoice: 'free' }, ok('free', 'admin-chose')],
  ['admin chooses free_restricted, flexible', { route: 'admin-invitation', licensing: flpFree, freeFullSeats: 4, adminChoice: 'free_restricted' }, ok('free_restricted', 'admin-chose')],
  ['admin chooses full with no seat left: refused, not downgraded', { route: 'admin-invitation', licensing: standard, freeFullSeats: 0, adminChoice: 'full' },
    { ok: false, refusal: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before inviting with Full' }],
  ['admin chooses full with no seat left under flexible: refused', { route: 'admin-invitation', licensing: flpFree, freeFullSeats: 0, adminChoice: 'full' },
    { ok: false, refusal: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before inviting with Full' }],
  ['admin chooses free under standard: refused', { route: 'admin-invitation', licensing: standard, freeFullSeats: 5, adminChoice: 'free' },
    { ok: false, refusal: 'license-not-offered', message: 'the standard program offers only full; free needs the flexible program' }],
  ['admin chooses free_restricted under standard: refused', { route: 'admin-invitation', licensing: standard, freeFullSeats: 5, adminChoice: 'free_restricted' },
    { ok: false, refusal: 'license-not-offered', message: 'the standard program offers only full; free_restricted needs the flexible program' }],
  // An approved request for Full: Full while a seat is free, under either program; never a downgrade.
  ['license request approved, standard, seat free -> full', { route: 'license-request', licensing: standard, freeFullSeats: 1 }, ok('full', 'request-approved')],
  ['license request approved, flexible, seat free -> full', { route: 'license-request', licensing: flpRestricted, freeFullSeats: 2 }, ok('full', 'request-approved')],
  ['license request approved with no seat left: refused', { route: 'license-request', licensing: flpFree, freeFullSeats: 0 },
    { ok: false, refusal: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before approving' }],
  ['license request ignores the guest exception', { route: 'license-request', licensing: flpRestricted, freeFullSeats: 1, invitedAsGuest: true }, ok('full', 'request-approved')],
  ['admin invitation ignores the guest exception', { route: 'admin-invitation', licensing: flpRestricted, freeFullSeats: 0, adminChoice: 'free_restricted', invitedAsGuest: true }, ok('free_restricted', 'admin-chose')],
];

describe('license decision', () => {
  for (const [name, facts, expected] of rows) {
    it(name, () => expect(decideLicense(facts)).to.deep.equal(expected));
  }

  it('covers every route', () => {
    expect(new Set(rows.map(([, facts]) => facts.route))).to.deep.equal(new Set(DECISION_ROUTES));
  });

  it('refuses misuse with a TypeError naming the option', () => {
    expect(() => decideLicense({ route: 'admin-invitation', licensing: standard, freeFullSeats: 1 })).to.throw(TypeError, '"adminChoice" is required');
    expect(() => decideLicense({ route: 'jit', licensing: { program: 'flexible', defaultLicense: null }, freeFullSeats: 1 })).to.throw(
      TypeError,
      '"licensing.defaultLicense" is required',
    );
  });
});
