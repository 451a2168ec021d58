// The accept link of an invitation mail. A domain with SSO signs in through it;
// otherwise the link itself proves the address (one click on a button, so mail
// scanners that follow links do not accept for the person).
import Router from '@koa/router';
import parseBody from 'co-body';
import type { Context } from 'koa';
import type { Invitation } from '../../db/index.js';
import { requireSameOrigin } from '../csrf.js';
import { hashInvitationToken } from '../invitations.js';
import { completeLogin, LoginRefused, renderRefusal } from '../login.js';
import { escapeHtml, page } from '../pages.js';
import type { Runtime } from '../runtime.js';
import { connectionLoginUrl, ssoConnections } from './login.js';

export function invitationRoutes(runtime: Runtime): Router {
  const router = new Router();

  const live = async (token: unknown): Promise<Invitation | undefined> => {
    const invitation = typeof token === 'string' && token ? await runtime.repos.invitations.findByTokenHash(hashInvitationToken(token)) : null;
    return invitation && invitation.status === 'pending' && invitation.expiresAt > Date.now() ? invitation : undefined;
  };
  const gone = (ctx: Context) =>
    renderRefusal(runtime, ctx, new LoginRefused('invitation-gone', 'This invitation was accepted, revoked or has expired. Ask for a new one.', 410, undefined, 'Invitation not valid'));

  router.get('/sso/invitations/accept', async (ctx) => {
    const invitation = await live(ctx.query.token);
    if (!invitation) return gone(ctx);
    const account = runtime.policies().account(invitation.accountId);
    const sso = ssoConnections(runtime.policies(), invitation.emailLower).filter((c) => account?.connections.includes(c));
    if (sso.length > 0) return ctx.redirect(connectionLoginUrl(sso[0], invitation.emailLower, '/'));
    ctx.type = 'html';
    ctx.body = page(
      'Accept invitation',
      `<h1>Join ${escapeHtml(account?.name ?? invitation.accountId)}</h1><p>You were invited as <strong>${escapeHtml(invitation.emailLower)}</strong>.</p>
<form method="post" action="/sso/invitations/accept"><input type="hidden" name="token" value="${escapeHtml(String(ctx.query.token))}"><button autofocus>Accept the invitation</button></form>`,
    );
  });

  router.post('/sso/invitations/accept', requireSameOrigin(runtime), async (ctx) => {
    const form = (await parseBody.form(ctx, { limit: '16kb' })) as Record<string, unknown>;
    const invitation = await live(form.token);
    if (!invitation) return gone(ctx);
    const email = invitation.emailLower;
    try {
      await completeLogin(runtime, ctx, { protocol: 'email', connectionId: null, issuer: 'doorman:email', subject: email, email, name: null, groups: null }, '/');
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      renderRefusal(runtime, ctx, err);
    }
  });

  return router;
}
