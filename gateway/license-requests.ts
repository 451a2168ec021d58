// A user without a Full license asks for one; admins hear of it (request
// management) and approve or deny. Approval reserves a Full seat in the same
// transaction as the license change and its recorded decision; the user is mailed.
import { OpenRequestExists } from '../db/index.js';
import type { LicenseRequest } from '../db/repositories/license-requests.js';
import { decideLicense } from '../policies/license-decision.js';
import type { Account } from '../policies/model.js';
import { sendMail } from './mail.js';
import { escapeHtml } from './pages.js';
import { notifyAdmins } from './request-management.js';
import type { Runtime } from './runtime.js';

const MAX_NOTE_LENGTH = 1000;

export type Failure = { ok: false; status: 400 | 404 | 409; error: string; message: string };
export type RequestOutcome = { ok: true; request: LicenseRequest } | Failure;
export type DecideOutcome = { ok: true; status: 'approved' | 'denied'; license: string | null; userId: string } | Failure;

const fail = (status: Failure['status'], error: string, message: string): Failure => ({ ok: false, status, error, message });

export async function requestFullLicense(runtime: Runtime, account: Account, userId: string, note: unknown): Promise<RequestOutcome> {
  const text = typeof note === 'string' ? note.trim() : '';
  if (note !== undefined && note !== null && typeof note !== 'string') return fail(400, 'invalid-note', 'note must be a string');
  if (text.length > MAX_NOTE_LENGTH) return fail(400, 'invalid-note', `note must be at most ${MAX_NOTE_LENGTH} characters`);
  const user = await runtime.repos.users.findById(userId);
  if (!user || user.accountId !== account.id) return fail(404, 'not-found', 'no such user');
  if (user.status !== 'active') return fail(409, 'user-not-active', `your user is ${user.status}`);
  if ((await runtime.repos.licenses.get(userId))?.license === 'full') return fail(409, 'already-full', 'you hold a Full license already');
  let request: LicenseRequest;
  try {
    request = await runtime.repos.licenseRequests.create({ accountId: account.id, userId, note: text || null, createdAt: Date.now() });
  } catch (err) {
    if (err instanceof OpenRequestExists) return fail(409, 'request-open', 'you have an open request already; an admin will answer it');
    throw err;
  }
  await notifyAdmins(runtime, account, { kind: 'license-request', id: request.id, email: user.email, note: request.note, createdAt: request.createdAt });
  return { ok: true, request };
}

/** Rolls the approval's transaction back with an answer for the admin. */
class Refused extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export async function decideLicenseRequest(runtime: Runtime, account: Account, id: string, approve: boolean, actor: string): Promise<DecideOutcome> {
  const { repos } = runtime;
  const request = await repos.licenseRequests.get(id);
  if (!request || request.accountId !== account.id) return fail(404, 'not-found', 'no such license request');
  if (request.status !== 'open') return fail(409, 'already-decided', `the request was ${request.status} already`);
  const now = Date.now();
  const policies = runtime.policies();
  let outcome: DecideOutcome;
  try {
    outcome = await repos.transaction(async (tx): Promise<DecideOutcome> => {
      if (!(await tx.licenseRequests.decide(id, approve ? 'approved' : 'denied', actor, now))) throw new Refused(fail(409, 'already-decided', 'the request was decided meanwhile'));
      if (!approve) return { ok: true, status: 'denied', license: (await tx.licenses.get(request.userId))?.license ?? null, userId: request.userId };
      const user = await tx.users.findById(request.userId);
      if (!user || user.status !== 'active') throw new Refused(fail(409, 'user-not-active', 'the user is not active any more'));
      if ((await tx.licenses.get(user.id))?.license === 'full') return { ok: true, status: 'approved', license: 'full', userId: user.id };
      const { used } = await tx.seats.usage(account.id);
      const decision = decideLicense({ route: 'license-request', licensing: account.licensing, freeFullSeats: Math.max(0, account.licensing.seatsFull - used) });
      if (!decision.ok || !(await tx.seats.reserveFull(account.id))) {
        throw new Refused(fail(409, 'no-full-seat-left', 'no Full seat is left: free a seat or buy more before approving'));
      }
      const decisionId = await tx.decisions.record({ accountId: account.id, userId: user.id, email: user.email, route: 'license-request', license: decision.license, reason: decision.reason, policyVersion: policies.version, actor, decidedAt: now });
      await tx.licenses.assign(user.id, account.id, decision.license, decisionId, now);
      await tx.sessions.updateDataForUser(user.id, { license: decision.license });
      return { ok: true, status: 'approved', license: decision.license, userId: user.id };
    });
  } catch (err) {
    if (err instanceof Refused) return err.failure;
    throw err;
  }
  await tellUser(runtime, account, request.userId, approve);
  return outcome;
}

async function tellUser(runtime: Runtime, account: Account, userId: string, approved: boolean): Promise<void> {
  const user = await runtime.repos.users.findById(userId);
  const gateway = runtime.policies().gateway;
  if (!user || !gateway.smtp) return;
  const text = approved
    ? `Your request for a Full license in ${account.name} was approved. You have a Full license now.`
    : `Your request for a Full license in ${account.name} was declined. Ask your admin if you need to know more.`;
  await sendMail(gateway, { to: user.email, subject: `Your Full license request was ${approved ? 'approved' : 'declined'}`, text, html: `<p>${escapeHtml(text)}</p>` }).catch((err: Error) =>
    runtime.log.error({ reason: 'notify-failed', account: account.id, err: err.message }, 'could not mail the user'),
  );
}
