// An admin changes a user's license, deactivates or removes a user. Full seats
// are reserved and released in the same transaction as the change, and every
// change is a recorded decision.
import type { Repos } from '../db/index.js';
import { decideLicense } from '../policies/license-decision.js';
import type { Account, Policies } from '../policies/model.js';
import type { License } from '../policies/schema.js';
import { countDecision } from './metrics.js';

export type ChangeResult = { ok: true; license: License | null } | { ok: false; status: 404 | 409 | 400; error: string; message: string };

const notFound: ChangeResult = { ok: false, status: 404, error: 'not-found', message: 'no such user in this account' };

export async function changeLicense(repos: Repos, policies: Policies, account: Account, userId: string, license: License, actor: string, now = Date.now()): Promise<ChangeResult> {
  return repos.transaction(async (tx) => {
    const user = await tx.users.findById(userId);
    if (!user || user.accountId !== account.id) return notFound;
    if (user.status !== 'active') return { ok: false, status: 409, error: 'user-not-active', message: `the user is ${user.status}` };
    const current = (await tx.licenses.get(userId))?.license ?? null;
    if (current === license) return { ok: true, license };
    const { used } = await tx.seats.usage(account.id);
    // The admin's choice under the same rules as an admin invitation: no silent downgrade.
    const freeFullSeats = Math.max(0, account.licensing.seatsFull - used);
    const decision = decideLicense({ route: 'admin-invitation', licensing: account.licensing, freeFullSeats, adminChoice: license });
    if (!decision.ok) return { ok: false, status: decision.refusal === 'no-full-seat-left' ? 409 : 400, error: decision.refusal, message: decision.message };
    if (license === 'full' && !(await tx.seats.reserveFull(account.id))) {
      return { ok: false, status: 409, error: 'no-full-seat-left', message: 'no Full seat is left: free a seat or buy more' };
    }
    if (current === 'full') await tx.seats.releaseFull(account.id);
    const decisionId = await tx.decisions.record({ accountId: account.id, userId, email: user.email, route: 'admin-change', license, reason: decision.reason, policyVersion: policies.version, actor, decidedAt: now });
    await tx.licenses.assign(userId, account.id, license, decisionId, now);
    await tx.sessions.updateDataForUser(userId, { license });
    countDecision('admin-change', license);
    return { ok: true, license };
  });
}

/** Who changes a user's license outside provisioning: an admin, or the IdP over SCIM. */
export type ChangeRoute = 'admin-change' | 'scim';

/** Deactivated users hold no license: a Full seat goes back to the pool. Sessions end at once. */
export async function deactivateUser(repos: Repos, policies: Policies, account: Account, userId: string, actor: string, now = Date.now(), route: ChangeRoute = 'admin-change'): Promise<ChangeResult> {
  return repos.transaction(async (tx) => {
    const user = await tx.users.findById(userId);
    if (!user || user.accountId !== account.id) return notFound;
    if (user.status === 'deactivated') return { ok: true, license: null };
    await releaseLicense(tx, policies, account, userId, user.email, 'deactivated', actor, now, route);
    await tx.users.setStatus(userId, 'deactivated', now);
    await tx.sessions.deleteForUser(userId);
    return { ok: true, license: null };
  });
}

/** Removes the user; a Full seat goes back to the pool; the decision history stays. */
export async function removeUser(repos: Repos, policies: Policies, account: Account, userId: string, actor: string, now = Date.now(), route: ChangeRoute = 'admin-change'): Promise<ChangeResult> {
  return repos.transaction(async (tx) => {
    const user = await tx.users.findById(userId);
    if (!user || user.accountId !== account.id) return notFound;
    await releaseLicense(tx, policies, account, userId, user.email, 'removed', actor, now, route);
    await tx.users.delete(userId);
    return { ok: true, license: null };
  });
}

async function releaseLicense(tx: Repos, policies: Policies, account: Account, userId: string, email: string, reason: string, actor: string, now: number, route: ChangeRoute) {
  const held = await tx.licenses.get(userId);
  if (!held) return;
  if (held.license === 'full') await tx.seats.releaseFull(account.id);
  await tx.licenses.remove(userId);
  await tx.decisions.record({ accountId: account.id, userId, email, route, license: null, reason, policyVersion: policies.version, actor, decidedAt: now });
  countDecision(route, 'none');
}
