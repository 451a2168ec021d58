// The admin console at /admin: server-rendered pages for an account admin signed
// in through the gateway. Actions are plain forms POSTed from the gateway's own
// origin (checked), each followed by a redirect back with a notice.
import Router from '@koa/router';
import parseBody from 'co-body';
import type { Context, Next } from 'koa';
import type { Account } from '../../policies/model.js';
import { LICENSES, type License } from '../../policies/schema.js';
import { decideAccessRequest } from '../access-requests.js';
import { isAccountAdmin, type Admin } from '../admin-auth.js';
import { auditBody } from '../console/audit-page.js';
import { invitationsBody } from '../console/invitations-page.js';
import { consolePage } from '../console/layout.js';
import { noticeOf } from '../console/notices.js';
import { requestsBody } from '../console/requests-page.js';
import { usageBody } from '../console/usage-page.js';
import { usersBody } from '../console/users-page.js';
import { requireSameOrigin } from '../csrf.js';
import type { ActiveSession } from '../identity.js';
import { invite } from '../invitations.js';
import { decideLicenseRequest } from '../license-requests.js';
import { changeLicense } from '../licenses.js';
import { escapeHtml, page } from '../pages.js';
import type { Runtime } from '../runtime.js';
import { usageReport } from '../usage-report.js';
import { audit } from './admin-helpers.js';
import { userFilter } from './user-filter.js';

const TITLES: Record<string, string> = {
  '/admin/users': 'Users and licenses',
  '/admin/requests': 'Requests',
  '/admin/invitations': 'Invitations',
  '/admin/usage': 'Usage report',
  '/admin/audit': 'Audit log',
};

export function adminConsoleRoutes(runtime: Runtime): Router {
  const router = new Router();
  const sameOrigin = requireSameOrigin(runtime);

  /** Signed in as an admin of their account, else to the login page (or a 403 page). */
  const consoleAdmin = async (ctx: Context, next: Next) => {
    const session = ctx.state.session as ActiveSession | undefined;
    ctx.set('Cache-Control', 'no-store');
    if (!session) return ctx.redirect(`/sso/login?return_to=${encodeURIComponent(ctx.method === 'GET' ? ctx.originalUrl : '/admin')}`);
    const account = runtime.policies().account(session.accountId);
    if (!account || !isAccountAdmin(account, session)) {
      ctx.status = 403;
      ctx.body = page('Not an admin', `<h1>Not an admin</h1><p>You are signed in as ${escapeHtml(session.email)}, who is not an admin of this account.</p>`);
      return;
    }
    ctx.state.admin = { actor: session.email, accountId: account.id } satisfies Admin;
    ctx.state.account = account;
    return ctx.method === 'GET' ? next() : sameOrigin(ctx, next);
  };
  const accountOf = (ctx: Context) => ctx.state.account as Account;
  const actorOf = (ctx: Context) => (ctx.state.admin as Admin).actor;
  const render = (ctx: Context, body: string) => {
    const account = accountOf(ctx);
    ctx.type = 'html';
    ctx.body = consolePage({ title: TITLES[ctx.path], path: ctx.path, admin: actorOf(ctx), accountName: account.name, notice: noticeOf(ctx.query.done, ctx.query.failed), body });
  };
  /** 303 See Other: back to the page, which shows what happened. */
  const back = (ctx: Context, path: string, outcome: { ok: true; done: string } | { ok: false; error: string }) => {
    ctx.redirect(`${path}?${outcome.ok ? `done=${outcome.done}` : `failed=${encodeURIComponent(outcome.error)}`}`);
    ctx.status = 303;
  };
  const form = async (ctx: Context) => (await parseBody.form(ctx, { limit: '16kb' })) as Record<string, unknown>;

  router.get('/admin', consoleAdmin, (ctx) => ctx.redirect('/admin/users'));

  router.get('/admin/users', consoleAdmin, async (ctx) => {
    const filter = userFilter(ctx.query, Date.now());
    const applied = filter.ok ? filter.filter : {};
    render(ctx, usersBody(accountOf(ctx), await runtime.repos.usage.listUsers(accountOf(ctx).id, applied), applied));
  });

  router.post('/admin/users/:id/license', consoleAdmin, async (ctx) => {
    const license = (await form(ctx)).license;
    if (!LICENSES.includes(license as License)) return back(ctx, '/admin/users', { ok: false, error: 'invalid-license' });
    const outcome = await changeLicense(runtime.repos, runtime.policies(), accountOf(ctx), ctx.params.id, license as License, actorOf(ctx));
    if (outcome.ok) await audit(runtime, ctx, { action: 'change-license', accountId: accountOf(ctx).id, target: ctx.params.id, details: { license } });
    back(ctx, '/admin/users', outcome.ok ? { ok: true, done: 'license-changed' } : outcome);
  });

  router.get('/admin/requests', consoleAdmin, async (ctx) => {
    const { repos } = runtime;
    const id = accountOf(ctx).id;
    const named = async (status?: 'open') =>
      Promise.all((await repos.licenseRequests.list(id, status)).map(async (r) => ({ ...r, email: (await repos.users.findById(r.userId))?.email ?? r.userId })));
    const decided = (await named()).filter((r) => r.status !== 'open').slice(0, 20);
    render(ctx, requestsBody((await named('open')).reverse(), await repos.accessRequests.list(id, 'open'), decided));
  });

  for (const verb of ['approve', 'deny'] as const) {
    router.post(`/admin/license-requests/:id/${verb}`, consoleAdmin, async (ctx) => {
      const outcome = await decideLicenseRequest(runtime, accountOf(ctx), ctx.params.id, verb === 'approve', actorOf(ctx));
      if (outcome.ok) await audit(runtime, ctx, { action: `${verb}-license-request`, accountId: accountOf(ctx).id, target: ctx.params.id, details: { user: outcome.userId, license: outcome.license } });
      back(ctx, '/admin/requests', outcome.ok ? { ok: true, done: `license-request-${outcome.status}` } : outcome);
    });

    router.post(`/admin/access-requests/:id/${verb}`, consoleAdmin, async (ctx) => {
      const outcome = await decideAccessRequest(runtime, accountOf(ctx), ctx.params.id, verb === 'approve', actorOf(ctx));
      if (outcome.ok) await audit(runtime, ctx, { action: `${verb}-access-request`, accountId: accountOf(ctx).id, target: ctx.params.id });
      back(ctx, '/admin/requests', outcome.ok ? { ok: true, done: `access-request-${verb === 'approve' ? 'approved' : 'denied'}` } : outcome);
    });
  }

  router.get('/admin/invitations', consoleAdmin, async (ctx) => {
    render(ctx, invitationsBody(accountOf(ctx), await runtime.repos.invitations.list(accountOf(ctx).id), Date.now()));
  });

  router.post('/admin/invitations', consoleAdmin, async (ctx) => {
    const body = await form(ctx);
    const license = LICENSES.find((l) => l === body.license);
    const outcome = await invite(runtime, accountOf(ctx), { email: String(body.email ?? ''), kind: 'admin', teamId: typeof body.team === 'string' ? body.team : null, license, invitedBy: actorOf(ctx) });
    if (outcome.ok) await audit(runtime, ctx, { action: 'invite', accountId: accountOf(ctx).id, target: outcome.invitation.id, details: { created: outcome.created } });
    back(ctx, '/admin/invitations', outcome.ok ? { ok: true, done: 'invited' } : outcome);
  });

  router.post('/admin/invitations/:id/revoke', consoleAdmin, async (ctx) => {
    const found = await runtime.repos.invitations.get(ctx.params.id);
    if (!found || found.accountId !== accountOf(ctx).id) return back(ctx, '/admin/invitations', { ok: false, error: 'not-found' });
    if (!(await runtime.repos.invitations.revoke(found.id))) return back(ctx, '/admin/invitations', { ok: false, error: 'not-pending' });
    await audit(runtime, ctx, { action: 'revoke-invitation', accountId: found.accountId, target: found.id });
    back(ctx, '/admin/invitations', { ok: true, done: 'invitation-revoked' });
  });

  router.get('/admin/usage', consoleAdmin, async (ctx) => render(ctx, usageBody(await usageReport(runtime.repos, accountOf(ctx)))));

  router.get('/admin/audit', consoleAdmin, async (ctx) => render(ctx, auditBody(await runtime.repos.auditLog.list(accountOf(ctx).id, { limit: 200 }))));

  return router;
}
