// The one license decision. Every way a user is provisioned (JIT, SCIM, domain
// control, admin and member invitations, sign-up after a board-guest invitation)
// asks this function which license to give. It is pure: facts in, decision out;
// the caller reserves the seat and records the decision with its reason code.
import type { License } from './schema.js';
import type { FlexibleDefault, Program } from './model.js';

/** The ways a user is provisioned. */
export const ROUTES = ['admin-invitation', 'member-invitation', 'jit', 'scim', 'domain-control'] as const;
export type Route = (typeof ROUTES)[number];
/** Every decision: provisioning, and an existing user's approved request for Full. */
export const DECISION_ROUTES = [...ROUTES, 'license-request'] as const;
export type DecisionRoute = (typeof DECISION_ROUTES)[number];

export type Reason =
  | 'standard-default-full'
  | 'seats-exhausted-fallback'
  | 'flp-default'
  | 'guest-invited-free'
  | 'admin-chose'
  /** An admin approved the user's request for a Full license. */
  | 'request-approved';

export type Refusal =
  /** An admin chose Full and no Full seat is left: never a silent downgrade. */
  | 'no-full-seat-left'
  /** An admin chose free or free_restricted, which only the flexible program offers. */
  | 'license-not-offered';

export interface DecisionFacts {
  route: DecisionRoute;
  licensing: { program: Program; defaultLicense: FlexibleDefault | null };
  /** Full seats bought and not yet held. */
  freeFullSeats: number;
  /** The admin's choice; only for admin invitations. */
  adminChoice?: License;
  /** The person was invited to boards as a free guest before signing up. */
  invitedAsGuest?: boolean;
}

export type Decision =
  | { ok: true; license: License; reason: Reason }
  | { ok: false; refusal: Refusal; message: string };

export const LICENSES_OFFERED: Record<Program, readonly License[]> = {
  standard: ['full'],
  flexible: ['full', 'free', 'free_restricted'],
};

/** The guest exception applies only where a person signs up by themselves. */
const SIGN_UP_ROUTES: ReadonlySet<DecisionRoute> = new Set(['jit', 'domain-control']);

export function decideLicense(facts: DecisionFacts): Decision {
  if (facts.route === 'admin-invitation') return adminChoice(facts);
  if (facts.route === 'license-request') return requestApproved(facts);
  const byDefault = defaultLicense(facts);
  if (byDefault.license === 'free_restricted' && facts.invitedAsGuest && SIGN_UP_ROUTES.has(facts.route)) {
    return { ok: true, license: 'free', reason: 'guest-invited-free' };
  }
  return { ok: true, ...byDefault };
}

/** The default license: standard -> full while a seat is free; flexible -> the account's default. */
function defaultLicense({ licensing, freeFullSeats }: DecisionFacts): { license: License; reason: Reason } {
  if (licensing.program === 'flexible') {
    if (!licensing.defaultLicense) throw new TypeError('"licensing.defaultLicense" is required under the flexible program');
    return { license: licensing.defaultLicense, reason: 'flp-default' };
  }
  return freeFullSeats > 0
    ? { license: 'full', reason: 'standard-default-full' }
    : { license: 'free_restricted', reason: 'seats-exhausted-fallback' };
}

/** An approved request for Full: a Full seat must be free, under either program. */
function requestApproved({ freeFullSeats }: DecisionFacts): Decision {
  if (freeFullSeats <= 0) return { ok: false, refusal: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before approving' };
  return { ok: true, license: 'full', reason: 'request-approved' };
}

function adminChoice({ licensing, freeFullSeats, adminChoice: choice }: DecisionFacts): Decision {
  if (!choice) throw new TypeError('"adminChoice" is required for an admin invitation');
  if (!LICENSES_OFFERED[licensing.program].includes(choice)) {
    return {
      ok: false,
      refusal: 'license-not-offered',
      message: `the ${licensing.program} program offers only ${LICENSES_OFFERED[licensing.program].join(', ')}; ${choice} needs the flexible program`,
    };
  }
  if (choice === 'full' && freeFullSeats <= 0) {
    return { ok: false, refusal: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more before inviting with Full' };
  }
  return { ok: true, license: choice, reason: 'admin-chose' };
}
