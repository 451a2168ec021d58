// /admin/api: invitations, board-guest invitations, access requests, users'
// licenses. JSON in and out; an admin token or an admin's session (see admin-auth).
import Router from '@koa/router';
import parseBody from 'co-body';
import type { Context } from 'koa';
import type { Account } from '../../policies/model.js';
import { LICENSES, type License } from '../../policies/schema.js';
import { decideAccessRequest } from '../access-requests.js';
import { adminAccount, requireAdmin, type Admin } from '../admin-auth.js';
import { invite, resendInvitation, type InvitationOutcome } from '../invitations.js';
import { changeLicense, deactivateUser, removeUser, type ChangeResult } from '../licenses.js';
import type { Runtime } from '../runtime.js';

type Body = Record<string, unknown>;

const readJson = async (ctx: Context): Promise<Body> => {
  const body = (await parseBody.json(ctx, { limit: '64kb', strict: true })) as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
};

function fail(ctx: Context, status: number, error: string, message: string): void {
  ctx.status = status;
  ctx.body = { error, message };
}

export function adminApiRoutes(runtime: Runtime): Router {
  const router = new Router({ prefix: '/admin/api' });
  router.use(requireAdmin(runtime));
  const actor = (ctx: Context) => (ctx.state.admin as Admin).actor;

  /** The account the request acts on, or a 404/400 already answered. */
  const account = (ctx: Context, named: unknown): Account | undefined => {
    const found = adminAccount(runtime, ctx, named);
    if (!found) fail(ctx, named === undefined ? 400 : 404, 'unknown-account', named === undefined ? 'name the account (field or query "account")' : `no account ${String(named)} for you`);
    return found;
  };
  const respond = (ctx: Context, outcome: InvitationOutcome | ChangeResult, okStatus = 200) => {
    if (!outcome.ok) return fail(ctx, outcome.status, outcome.error, outcome.message);
    ctx.status = 'created' in outcome && outcome.created ? 201 : okStatus;
    ctx.body = 'invitation' in outcome ? { invitation: outcome.invitation } : { license: outcome.license };
  };
  const audit = (ctx: Context, action: string, fields: Record<string, unknown>) =>
    runtime.log.info({ reason: 'admin-action', action, actor: actor(ctx), ...fields }, 'admin action');

  router.get('/invitations', async (ctx) => {
    const a = account(ctx, ctx.query.account);
    if (a) ctx.body = { invitations: await runtime.repos.invitations.list(a.id) };
  });

  router.post('/invitations', async (ctx) => {
    const body = await readJson(ctx);
    const a = account(ctx, body.account);
    if (!a) return;
    const license = body.license;
    if (license !== undefined && !LICENSES.includes(license as License)) return fail(ctx, 400, 'invalid-license', `license must be one of ${LICENSES.join(', ')}`);
    const outcome = await invite(runtime, a, { email: String(body.email ?? ''), kind: 'admin', teamId: body.team as string | undefined, license: license as License | undefined, invitedBy: actor(ctx) });
    if (outcome.ok) audit(ctx, 'invite', { account: a.id, invitation: outcome.invitation.id, created: outcome.created });
    respond(ctx, outcome);
  });

  router.post('/invitations/:id/resend', async (ctx) => {
    const found = await runtime.repos.invitations.get(ctx.params.id);
    const a = found && account(ctx, found.accountId);
    if (!found) return fail(ctx, 404, 'not-found', 'no such invitation');
    if (!a) return;
    const outcome = await resendInvitation(runtime, a, found.id);
    if (outcome.ok) audit(ctx, 'resend-invitation', { account: a.id, invitation: found.id });
    respond(ctx, outcome);
  });

  router.delete('/invitations/:id', async (ctx) => {
    const found = await runtime.repos.invitations.get(ctx.params.id);
    if (!found) return fail(ctx, 404, 'not-found', 'no such invitation');
    if (!account(ctx, found.accountId)) return;
    if (!(await runtime.repos.invitations.revoke(found.id))) return fail(ctx, 409, 'not-pending', `the invitation is ${found.status}`);
    audit(ctx, 'revoke-invitation', { account: found.accountId, invitation: found.id });
    ctx.status = 204;
  });

  router.post('/guest-invitations', async (ctx) => {
    const body = await readJson(ctx);
    const a = account(ctx, body.account);
    if (!a) return;
    const outcome = await invite(runtime, a, { email: String(body.email ?? ''), kind: 'guest', invitedBy: actor(ctx) });
    if (outcome.ok) audit(ctx, 'record-guest-invitation', { account: a.id, invitation: outcome.invitation.id });
    respond(ctx, outcome);
  });

  router.get('/access-requests', async (ctx) => {
    const a = account(ctx, ctx.query.account);
    const status = ctx.query.status;
    if (a) ctx.body = { accessRequests: await runtime.repos.accessRequests.list(a.id, status === 'open' || status === 'approved' || status === 'denied' ? status : undefined) };
  });

  for (const verb of ['approve', 'deny'] as const) {
    router.post(`/access-requests/:id/${verb}`, async (ctx) => {
      const found = await runtime.repos.accessRequests.get(ctx.params.id);
      if (!found) return fail(ctx, 404, 'not-found', 'no such access request');
      const a = account(ctx, found.accountId);
      if (!a) return;
      const decided = await decideAccessRequest(runtime, a, found.id, verb === 'approve', actor(ctx));
      if (!decided.ok) return fail(ctx, decided.status, decided.error, decided.message);
      audit(ctx, `${verb}-access-request`, { account: a.id, request: found.id });
      const result = decided.result;
      ctx.body = result?.ok ? { status: 'approved', user: result.user.id, license: result.license, reason: result.reason } : { status: 'denied' };
    });
  }

  router.get('/users', async (ctx) => {
    const a = account(ctx, ctx.query.account);
    if (!a) return;
    const users = await runtime.repos.users.listByAccount(a.id);
    ctx.body = {
      users: await Promise.all(users.map(async (u) => ({ ...u, license: (await runtime.repos.licenses.get(u.id))?.license ?? null }))),
    };
  });

  /** A user of the admin's account, or a 404 already answered. */
  const userAccount = async (ctx: Context): Promise<Account | undefined> => {
    const user = await runtime.repos.users.findById(ctx.params.id);
    if (!user) return void fail(ctx, 404, 'not-found', 'no such user');
    return account(ctx, user.accountId);
  };

  router.patch('/users/:id', async (ctx) => {
    const body = await readJson(ctx);
    if (!LICENSES.includes(body.license as License)) return fail(ctx, 400, 'invalid-license', `license must be one of ${LICENSES.join(', ')}`);
    const a = await userAccount(ctx);
    if (!a) return;
    const outcome = await changeLicense(runtime.repos, runtime.policies(), a, ctx.params.id, body.license as License, actor(ctx));
    if (outcome.ok) audit(ctx, 'change-license', { account: a.id, user: ctx.params.id, license: body.license });
    respond(ctx, outcome);
  });

  router.post('/users/:id/deactivate', async (ctx) => {
    const a = await userAccount(ctx);
    if (!a) return;
    const outcome = await deactivateUser(runtime.repos, runtime.policies(), a, ctx.params.id, actor(ctx));
    if (outcome.ok) audit(ctx, 'deactivate-user', { account: a.id, user: ctx.params.id });
    respond(ctx, outcome);
  });

  router.delete('/users/:id', async (ctx) => {
    const a = await userAccount(ctx);
    if (!a) return;
    const outcome = await removeUser(runtime.repos, runtime.policies(), a, ctx.params.id, actor(ctx));
    if (!outcome.ok) return respond(ctx, outcome);
    audit(ctx, 'remove-user', { account: a.id, user: ctx.params.id });
    ctx.status = 204;
  });

  return router;
}
