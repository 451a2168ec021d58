// /admin/api: invitations, board-guest invitations, access requests, users'
// licenses and team membership (license requests: admin-requests.ts; reports and
// the audit log: admin-reports.ts). JSON in and out; an admin token or an admin's session (see admin-auth).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Account } from '../../policies/model.js';
import { LICENSES, type License } from '../../policies/schema.js';
import { decideAccessRequest } from '../access-requests.js';
import { requireAdmin, type Admin } from '../admin-auth.js';
import { invite, resendInvitation, type InvitationOutcome } from '../invitations.js';
import { changeLicense, deactivateUser, removeUser, type ChangeResult } from '../licenses.js';
import type { Runtime } from '../runtime.js';
import { accountOrFail, audit as recordAudit, fail, readJson } from './admin-helpers.js';
import { userFilter } from './user-filter.js';

export function adminApiRoutes(runtime: Runtime): Router {
  const router = new Router({ prefix: '/admin/api' });
  router.use(requireAdmin(runtime));
  const actor = (ctx: Context) => (ctx.state.admin as Admin).actor;

  /** The account the request acts on, or a 404/400 already answered. */
  const account = (ctx: Context, named: unknown): Account | undefined => accountOrFail(runtime, ctx, named);
  const respond = (ctx: Context, outcome: InvitationOutcome | ChangeResult, okStatus = 200) => {
    if (!outcome.ok) return fail(ctx, outcome.status, outcome.error, outcome.message);
    ctx.status = 'created' in outcome && outcome.created ? 201 : okStatus;
    ctx.body = 'invitation' in outcome ? { invitation: outcome.invitation, ...(outcome.mailed === undefined ? {} : { mailed: outcome.mailed }) } : { license: outcome.license };
  };
  /** Into the audit log: the account, the user, invitation or request acted on, and the rest as details. */
  const audit = (ctx: Context, action: string, { account: accountId, ...details }: { account: string } & Record<string, unknown>) =>
    recordAudit(runtime, ctx, { action, accountId, target: String(details.user ?? details.invitation ?? details.request ?? '') || null, details });

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
    if (outcome.ok) await audit(ctx, 'invite', { account: a.id, invitation: outcome.invitation.id, created: outcome.created });
    respond(ctx, outcome);
  });

  router.post('/invitations/:id/resend', async (ctx) => {
    const found = await runtime.repos.invitations.get(ctx.params.id);
    const a = found && account(ctx, found.accountId);
    if (!found) return fail(ctx, 404, 'not-found', 'no such invitation');
    if (!a) return;
    const outcome = await resendInvitation(runtime, a, found.id);
    if (outcome.ok) await audit(ctx, 'resend-invitation', { account: a.id, invitation: found.id });
    respond(ctx, outcome);
  });

  router.delete('/invitations/:id', async (ctx) => {
    const found = await runtime.repos.invitations.get(ctx.params.id);
    if (!found) return fail(ctx, 404, 'not-found', 'no such invitation');
    if (!account(ctx, found.accountId)) return;
    if (!(await runtime.repos.invitations.revoke(found.id))) return fail(ctx, 409, 'not-pending', `the invitation is ${found.status}`);
    await audit(ctx, 'revoke-invitation', { account: found.accountId, invitation: found.id });
    ctx.status = 204;
  });

  router.post('/guest-invitations', async (ctx) => {
    const body = await readJson(ctx);
    const a = account(ctx, body.account);
    if (!a) return;
    const outcome = await invite(runtime, a, { email: String(body.email ?? ''), kind: 'guest', invitedBy: actor(ctx) });
    if (outcome.ok) await audit(ctx, 'record-guest-invitation', { account: a.id, invitation: outcome.invitation.id });
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
      await audit(ctx, `${verb}-access-request`, { account: a.id, request: found.id });
      const result = decided.result;
      ctx.body = result?.ok ? { status: 'approved', user: result.user.id, license: result.license, reason: result.reason } : { status: 'denied' };
    });
  }

  router.get('/users', async (ctx) => {
    const a = account(ctx, ctx.query.account);
    if (!a) return;
    const filter = userFilter(ctx.query, Date.now());
    if (!filter.ok) return fail(ctx, 400, 'invalid-filter', filter.message);
    ctx.body = { users: await runtime.repos.usage.listUsers(a.id, filter.filter) };
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
    if (outcome.ok) await audit(ctx, 'change-license', { account: a.id, user: ctx.params.id, license: body.license });
    respond(ctx, outcome);
  });

  router.post('/users/:id/deactivate', async (ctx) => {
    const a = await userAccount(ctx);
    if (!a) return;
    const outcome = await deactivateUser(runtime.repos, runtime.policies(), a, ctx.params.id, actor(ctx));
    if (outcome.ok) await audit(ctx, 'deactivate-user', { account: a.id, user: ctx.params.id });
    respond(ctx, outcome);
  });

  router.delete('/users/:id', async (ctx) => {
    const a = await userAccount(ctx);
    if (!a) return;
    const outcome = await removeUser(runtime.repos, runtime.policies(), a, ctx.params.id, actor(ctx));
    if (!outcome.ok) return respond(ctx, outcome);
    await audit(ctx, 'remove-user', { account: a.id, user: ctx.params.id });
    ctx.status = 204;
  });

  // Team membership, by hand: an admin adds a user to a team of the account, or removes them.
  /** The user's teams, also written into their live sessions (the upstream's X-Doorman-Teams). */
  const refreshTeams = async (userId: string) => {
    const teams = (await runtime.repos.memberships.listForUser(userId)).map((m) => m.teamId);
    await runtime.repos.sessions.updateDataForUser(userId, { teams });
    return teams;
  };
  router.post('/users/:id/teams', async (ctx) => {
    const body = await readJson(ctx);
    const a = await userAccount(ctx);
    if (!a) return;
    const team = a.teams.find((t) => t.id === body.team);
    if (!team) return fail(ctx, 400, 'unknown-team', `team must be one of ${a.teams.map((t) => t.id).join(', ')}`);
    const added = await runtime.repos.memberships.add({ userId: ctx.params.id, accountId: a.id, teamId: team.id, source: 'admin', createdAt: Date.now() });
    if (added) await audit(ctx, 'add-team-member', { account: a.id, user: ctx.params.id, team: team.id });
    ctx.status = added ? 201 : 200;
    ctx.body = { teams: await refreshTeams(ctx.params.id) };
  });

  router.delete('/users/:id/teams/:team', async (ctx) => {
    const a = await userAccount(ctx);
    if (!a) return;
    if (!(await runtime.repos.memberships.remove(ctx.params.id, ctx.params.team))) return fail(ctx, 404, 'not-a-member', `the user is not in team ${ctx.params.team}`);
    await refreshTeams(ctx.params.id);
    await audit(ctx, 'remove-team-member', { account: a.id, user: ctx.params.id, team: ctx.params.team });
    ctx.status = 204;
  });

  return router;
}
