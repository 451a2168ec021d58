// The one provisioning service every way in calls: decide the license, reserve
// the seat, create user, identity, membership, license and the decision record,
// all in one transaction. A failure anywhere leaves nothing behind.
import { UniqueViolation, type Repos, type User } from '../db/index.js';
import { decideLicense, type Decision, type Route } from '../policies/license-decision.js';
import type { Account, Policies } from '../policies/model.js';
import type { Connection, License } from '../policies/schema.js';
import { countDecision } from './metrics.js';
import { syncGroupTeams } from './profile-sync.js';
import type { MembershipSource } from '../db/repositories/memberships.js';

export interface ProvisionRequest {
  account: Account;
  teamId: string;
  route: Route;
  email: string;
  name: string | null;
  /** The login that brought the person, keyed by issuer + subject. */
  identity?: { connectionId: string; issuer: string; subject: string };
  /** auto_join_exclusive captures may not create accounts of their own. */
  restricted?: boolean;
  adminChoice?: License;
  invitedAsGuest?: boolean;
  /** Who acted, for the audit (an admin's email, "scim:<connection>"...). */
  actor?: string | null;
  /** The invitation this provisioning accepts: it must still be pending. */
  invitationId?: string;
  /** The connection the person came through, and the IdP groups it sent (mapped to teams). */
  connection?: Connection;
  groups?: string[] | null;
  /** Runs in the same transaction once the user exists (SCIM stores its resource there). */
  attach?: (tx: Repos, user: User) => Promise<void>;
}

/** The invitation was accepted, revoked or expired while this login ran. */
export class InvitationGone extends Error {}

export type ProvisionResult =
  | { ok: true; user: User; license: License; reason: string; created: boolean }
  | { ok: false; refusal: Extract<Decision, { ok: false }>['refusal']; message: string };

const SOURCE: Record<Route, MembershipSource> = {
  'admin-invitation': 'invitation',
  'member-invitation': 'invitation',
  jit: 'jit',
  scim: 'scim',
  'domain-control': 'jit',
};

export async function provisionUser(repos: Repos, policies: Policies, req: ProvisionRequest, now = Date.now()): Promise<ProvisionResult> {
  try {
    return await repos.transaction((tx) => provisionIn(tx, policies, req, now));
  } catch (err) {
    // The same person arriving twice at once (the same login twice, or two ways in):
    // the other transaction won. Use its user, and link this login to it.
    if (!(err instanceof UniqueViolation)) throw err;
    const existing =
      (req.identity && (await repos.users.findByIdentity(req.identity.issuer, req.identity.subject))) ??
      (await linkToUserOfEmail(repos, req, now));
    if (!existing) throw err;
    const license = await repos.licenses.get(existing.id);
    return { ok: true, user: existing, license: license?.license ?? 'free_restricted', reason: 'already-provisioned', created: false };
  }
}

/** The account's user with this email, with req's login linked to it (callers reach here only for proven emails). */
async function linkToUserOfEmail(repos: Repos, req: ProvisionRequest, now: number): Promise<User | null> {
  const user = await repos.users.findByEmail(req.account.id, req.email);
  if (user && req.identity) {
    try {
      await repos.identities.create({ userId: user.id, ...req.identity, createdAt: now });
    } catch (err) {
      if (!(err instanceof UniqueViolation)) throw err;
    }
  }
  return user;
}

async function provisionIn(tx: Repos, policies: Policies, req: ProvisionRequest, now: number): Promise<ProvisionResult> {
  const { account } = req;
  const facts = { route: req.route, licensing: account.licensing, adminChoice: req.adminChoice, invitedAsGuest: req.invitedAsGuest };
  // The decision depends only on whether a Full seat is free: decide as if one were, and when
  // that gives Full, take the seat in one conditional UPDATE (fewer used than the policy's
  // seats and than the counter's total). No seat to take: decide again, none free.
  let decision = decideLicense({ ...facts, freeFullSeats: 1 });
  if (decision.ok && decision.license === 'full' && !(await tx.seats.reserveFull(account.id, account.licensing.seatsFull))) {
    decision = decideLicense({ ...facts, freeFullSeats: 0 });
  }
  countDecision(req.route, decision.ok ? decision.license : 'refused');
  if (!decision.ok) return { ok: false, refusal: decision.refusal, message: decision.message };

  const user = await tx.users.create({ accountId: account.id, email: req.email, name: req.name, status: 'active', restricted: req.restricted ?? false, createdAt: now });
  if (req.identity) await tx.identities.create({ userId: user.id, ...req.identity, createdAt: now });
  await tx.memberships.add({ userId: user.id, accountId: account.id, teamId: req.teamId, source: SOURCE[req.route], createdAt: now });
  const decisionId = await tx.decisions.record({
    accountId: account.id,
    userId: user.id,
    email: req.email,
    route: req.route,
    license: decision.license,
    reason: decision.reason,
    policyVersion: policies.version,
    actor: req.actor ?? null,
    decidedAt: now,
  });
  await tx.licenses.assign(user.id, account.id, decision.license, decisionId, now);
  if (req.invitationId && !(await tx.invitations.markAccepted(req.invitationId, now))) throw new InvitationGone(req.invitationId);
  await syncGroupTeams(tx, user, req.groups ?? null, req.connection, now);
  if (req.attach) await req.attach(tx, user);
  return { ok: true, user, license: decision.license, reason: decision.reason, created: true };
}
