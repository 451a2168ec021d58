// The signed-in user's own view and actions.
import Router from '@koa/router';
import parseBody from 'co-body';
import type { Context, Next } from 'koa';
import { isAccountAdmin } from '../admin-auth.js';
import { requireSameOrigin } from '../csrf.js';
import type { ActiveSession } from '../identity.js';
import { invite } from '../invitations.js';
import { requestFullLicense } from '../license-requests.js';
import { escapeHtml, page } from '../pages.js';
import type { Runtime } from '../runtime.js';

const signedIn = async (ctx: Context, next: Next) => {
  if (ctx.state.session) return next();
  ctx.status = 401;
  ctx.body = { error: 'unauthenticated', login: '/sso/login' };
};

export function meRoutes(runtime: Runtime): Router {
  const router = new Router();

  router.get('/me', signedIn, (ctx) => {
    const { userId, email, name, accountId, teams, license, restricted } = ctx.state.session as ActiveSession;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { user: userId, email, name, account: accountId, teams, license, restricted };
  });

  // A member invites a colleague, where the account lets members invite; the invitee gets the default license.
  router.post('/me/invitations', signedIn, requireSameOrigin(runtime), async (ctx) => {
    const session = ctx.state.session as ActiveSession;
    const account = runtime.policies().account(session.accountId);
    if (!account) return;
    if (account.invitations.whoMayInvite !== 'members' && !isAccountAdmin(account, session)) {
      ctx.status = 403;
      ctx.body = { error: 'members-may-not-invite', message: `${account.name} lets only its admins invite` };
      return;
    }
    const body = (await parseBody.json(ctx, { limit: '16kb' })) as { email?: unknown; team?: unknown };
    const outcome = await invite(runtime, account, { email: String(body.email ?? ''), kind: 'member', teamId: typeof body.team === 'string' ? body.team : null, invitedBy: session.email });
    if (!outcome.ok) {
      ctx.status = outcome.status;
      ctx.body = { error: outcome.error, message: outcome.message };
      return;
    }
    ctx.status = outcome.created ? 201 : 200;
    ctx.body = { invitation: outcome.invitation };
  });

  // Ask for a Full license, with an optional note: JSON, or a plain form the app may offer as a button.
  router.post('/me/license-requests', signedIn, requireSameOrigin(runtime), async (ctx) => {
    const session = ctx.state.session as ActiveSession;
    const account = runtime.policies().account(session.accountId);
    if (!account) return;
    const asForm = ctx.is('urlencoded') === 'urlencoded';
    const body = (asForm ? await parseBody.form(ctx, { limit: '16kb' }) : await parseBody.json(ctx, { limit: '16kb' })) as { note?: unknown };
    const outcome = await requestFullLicense(runtime, account, session.userId, body.note);
    ctx.status = outcome.ok ? 201 : outcome.status;
    if (asForm) {
      const text = outcome.ok ? 'Your request for a Full license was sent to your admins. You will hear from them by email.' : outcome.message;
      ctx.body = page('Full license request', `<h1>Full license request</h1><p id="outcome">${escapeHtml(text)}</p><a class="button" href="/">Back</a>`);
    } else ctx.body = outcome.ok ? { licenseRequest: outcome.request } : { error: outcome.error, message: outcome.message };
  });

  router.get('/me/license-requests', signedIn, async (ctx) => {
    const session = ctx.state.session as ActiveSession;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { licenseRequests: (await runtime.repos.licenseRequests.list(session.accountId)).filter((r) => r.userId === session.userId) };
  });

  return router;
}
