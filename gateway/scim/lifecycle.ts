// A SCIM user's access follows `active`: false deactivates (seat released, decision
// recorded, sessions revoked, see licenses.ts), true reactivates with a fresh license
// decision, the seat reserved as provisioning reserves it.
import type { Repos, User } from '../../db/index.js';
import { decideLicense } from '../../policies/license-decision.js';
import type { Account, Policies } from '../../policies/model.js';
import { deactivateUser } from '../licenses.js';

export async function setActive(tx: Repos, policies: Policies, account: Account, user: User, active: boolean, actor: string, now: number): Promise<void> {
  if (!active && user.status === 'active') await deactivateUser(tx, policies, account, user.id, actor, now, 'scim');
  if (active && user.status !== 'active') await reactivate(tx, policies, account, user, actor, now);
}

async function reactivate(tx: Repos, policies: Policies, account: Account, user: User, actor: string, now: number): Promise<void> {
  const held = await tx.licenses.get(user.id);
  if (held?.license === 'full') await tx.seats.releaseFull(account.id);
  const { used } = await tx.seats.usage(account.id);
  const facts = { route: 'scim' as const, licensing: account.licensing };
  let decision = decideLicense({ ...facts, freeFullSeats: Math.max(0, account.licensing.seatsFull - used) });
  if (decision.ok && decision.license === 'full' && !(await tx.seats.reserveFull(account.id))) decision = decideLicense({ ...facts, freeFullSeats: 0 });
  // The default license is never refused; the check keeps the types honest.
  if (!decision.ok) throw new Error(decision.message);
  const decisionId = await tx.decisions.record({
    accountId: account.id,
    userId: user.id,
    email: user.email,
    route: 'scim',
    license: decision.license,
    reason: decision.reason,
    policyVersion: policies.version,
    actor,
    decidedAt: now,
  });
  await tx.licenses.assign(user.id, account.id, decision.license, decisionId, now);
  await tx.users.setStatus(user.id, 'active', now);
}
