// Domain control's request_access: admins hear of a request as the account's
// request-management settings say, then approve (the person is provisioned, by
// the one license decision) or deny.
import type { AccessRequest } from '../db/repositories/access-requests.js';
import type { Account } from '../policies/model.js';
import { provisionUser, type ProvisionResult } from './provisioning.js';
import { notifyAdmins } from './request-management.js';
import type { Runtime } from './runtime.js';

export async function notifyAccessRequest(runtime: Runtime, account: Account, request: AccessRequest): Promise<void> {
  await notifyAdmins(runtime, account, { kind: 'access-request', id: request.id, email: request.email, name: request.name, createdAt: request.createdAt });
}

export type AccessDecision = { ok: true; result?: ProvisionResult } | { ok: false; status: number; error: string; message: string };

/** Approve: the request is closed and the person provisioned in one transaction; deny: closed. */
export async function decideAccessRequest(runtime: Runtime, account: Account, id: string, approve: boolean, actor: string): Promise<AccessDecision> {
  const request = await runtime.repos.accessRequests.get(id);
  if (!request || request.accountId !== account.id) return { ok: false, status: 404, error: 'not-found', message: 'no such access request' };
  if (request.status !== 'open') return { ok: false, status: 409, error: 'already-decided', message: `the request was ${request.status} already` };
  const now = Date.now();
  if (!approve) {
    const closed = await runtime.repos.accessRequests.decide(id, 'denied', actor, now);
    return closed ? { ok: true } : { ok: false, status: 409, error: 'already-decided', message: 'the request was decided meanwhile' };
  }
  const connection = runtime.policies().connection(request.connectionId)?.connection;
  const result = await runtime.repos.transaction(async (tx) => {
    if (!(await tx.accessRequests.decide(id, 'approved', actor, now))) return undefined;
    return provisionUser(tx, runtime.policies(), {
      account,
      route: 'domain-control',
      teamId: account.defaultTeam,
      email: request.email,
      name: request.name,
      identity: { connectionId: request.connectionId, issuer: request.issuer, subject: request.subject },
      connection,
      actor,
    }, now);
  });
  if (!result) return { ok: false, status: 409, error: 'already-decided', message: 'the request was decided meanwhile' };
  if (!result.ok) throw new Error(`access request ${id}: ${result.message}`);
  return { ok: true, result };
}
