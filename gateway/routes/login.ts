// Home-realm discovery (/sso/login), email sign-up (/sso/verify) and logout.
import { createHash, randomBytes } from 'node:crypto';
import Router from '@koa/router';
import parseBody from 'co-body';
import type { Context } from 'koa';
import { emailDomain } from '../../policies/explain.js';
import type { Account, Policies } from '../../policies/model.js';
import { PUBLIC_MAIL_DOMAINS } from '../../policies/public-domains.js';
import type { Connection } from '../../policies/schema.js';
import { requireSameOrigin } from '../csrf.js';
import { isDomainVerified } from '../domain-verification.js';
import { completeLogin, LoginRefused, renderRefusal, safeReturnTo } from '../login.js';
import { sendMail } from '../mail.js';
import { escapeHtml, page } from '../pages.js';
import { withinLimit } from '../rate-limit.js';
import type { Runtime } from '../runtime.js';
import { samlLogoutUrl } from '../saml/start-logout.js';
import { endSession } from '../session.js';

/** How long an email sign-up link works. */
export const SIGNUP_LINK_TTL_MS = 30 * 60_000;
const EMAIL = /^[^@\s"<>]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const readForm = async (ctx: Context) => (await parseBody.form(ctx, { limit: '16kb' })) as Record<string, unknown>;

export function loginRoutes(runtime: Runtime): Router {
  const router = new Router();
  const sameOrigin = requireSameOrigin(runtime);

  router.get('/sso/login', (ctx) => {
    const returnTo = safeReturnTo(ctx.query.return_to, runtime.policies().gateway.publicUrl);
    render(ctx, 200, 'Sign in', loginForm(returnTo));
  });

  router.post('/sso/login', sameOrigin, async (ctx) => {
    const form = await readForm(ctx);
    const policies = runtime.policies();
    const returnTo = safeReturnTo(form.return_to, policies.gateway.publicUrl);
    const email = String(form.email ?? '').trim().toLowerCase();
    if (!EMAIL.test(email)) return render(ctx, 400, 'Sign in', loginForm(returnTo, 'Enter a valid email address.'));

    const connections = ssoConnections(policies, email);
    if (connections.length === 1) return ctx.redirect(connectionLoginUrl(connections[0], email, returnTo));
    if (connections.length > 1) return render(ctx, 200, 'Choose how to sign in', choicePage(connections, email, returnTo));
    return emailSignUp(runtime, ctx, email, returnTo);
  });

  router.get('/sso/verify', async (ctx) => {
    const token = String(ctx.query.token ?? '');
    // The link only shows a button: mail scanners that follow links must not use it up.
    if (!token || !(await runtime.repos.signupTokens.isLive(hashToken(token), Date.now()))) {
      return render(ctx, 410, 'Link expired', '<h1>This link has expired</h1><p>Sign-in links work once, for 30 minutes.</p><a class="button" href="/sso/login">Get a new link</a>');
    }
    render(ctx, 200, 'Confirm sign-in', `<h1>Confirm your email</h1>
<form method="post" action="/sso/verify"><input type="hidden" name="token" value="${escapeHtml(token)}"><button autofocus>Continue</button></form>`);
  });

  router.post('/sso/verify', sameOrigin, async (ctx) => {
    const form = await readForm(ctx);
    const row = await runtime.repos.signupTokens.consume(hashToken(String(form.token ?? '')), Date.now());
    if (!row) return renderRefusal(runtime, ctx, new LoginRefused('signup-token-invalid', 'This sign-in link is invalid, used or expired.', 410));
    const identity = { protocol: 'email' as const, connectionId: null, issuer: 'doorman:email', subject: row.email, email: row.email, name: null, groups: null };
    try {
      await completeLogin(runtime, ctx, identity, row.returnTo);
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      renderRefusal(runtime, ctx, err);
    }
  });

  router.post('/sso/logout', sameOrigin, async (ctx) => {
    const session = await endSession(runtime, ctx);
    if (session) runtime.log.info({ reason: 'logout', user: session.userId }, 'logout');
    // A SAML session with an IdP that does Single Logout: tell the IdP too.
    const idpLogout = session ? await samlLogoutUrl(runtime.policies(), session.connectionId, session.saml) : null;
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.status = idpLogout ? 200 : 204;
      if (idpLogout) ctx.body = { logout_url: idpLogout };
    } else ctx.redirect(idpLogout ?? '/sso/login');
  });

  return router;
}

/** The SSO connections that serve this email's domain. */
export function ssoConnections(policies: Policies, email: string): Connection[] {
  const claimed = policies.domain(emailDomain(email));
  return claimed ? claimed.account.connections.filter((c) => c.domains.includes(claimed.domain.name)) : [];
}

export const connectionLoginUrl = (c: Connection, email: string, returnTo: string) =>
  `/sso/${c.type}/${encodeURIComponent(c.id)}/login?${new URLSearchParams({ login_hint: email, return_to: returnTo })}`;

/** Email sign-up where the policies let the domain's users in without SSO. */
async function emailSignUp(runtime: Runtime, ctx: Context, email: string, returnTo: string): Promise<void> {
  const policies = runtime.policies();
  const domain = emailDomain(email);
  const { perAddress, perClient, windowMs } = policies.gateway.rateLimits.signup;
  if (!(await withinLimit(runtime, ctx, `signup-client:${ctx.ip}`, perClient, windowMs))) return tooMany(ctx);
  if (!(await withinLimit(runtime, ctx, `signup-address:${email}`, perAddress, windowMs))) return tooMany(ctx);

  const account = await signUpAccount(runtime, policies, email);
  if (!account) {
    const why = PUBLIC_MAIL_DOMAINS.has(domain) ? 'Personal email addresses cannot sign in here.' : 'No organisation lets users of this email domain sign in here.';
    runtime.log.info({ reason: 'signup-not-allowed', domain }, 'sign-up refused');
    return render(ctx, 403, 'Sign in', loginForm(returnTo, why));
  }
  if (!policies.gateway.smtp) {
    runtime.log.error({ reason: 'smtp-not-configured' }, 'cannot send the sign-up link: gateway.yaml has no smtp section');
    return render(ctx, 503, 'Sign in', loginForm(returnTo, 'Email sign-in is not available right now.'));
  }
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  await runtime.repos.signupTokens.create({ tokenHash: hashToken(token), email, returnTo, createdAt: now, expiresAt: now + SIGNUP_LINK_TTL_MS });
  const link = `${policies.gateway.publicUrl}/sso/verify?token=${token}`;
  await sendMail(policies.gateway, {
    to: email,
    subject: `Sign in to ${account.name}`,
    text: `Follow this link to sign in to ${account.name}. It works once, for 30 minutes:\n\n${link}\n\nIf you did not ask for it, ignore this mail.`,
    html: `<p>Follow this link to sign in to ${escapeHtml(account.name)}. It works once, for 30 minutes:</p><p><a href="${escapeHtml(link)}">Sign in</a></p><p>If you did not ask for it, ignore this mail.</p>`,
  });
  runtime.log.info({ reason: 'signup-link-sent', account: account.id }, 'sign-up link sent');
  render(ctx, 200, 'Check your email', `<h1>Check your email</h1><p>We sent a sign-in link to <strong>${escapeHtml(email)}</strong>. It works once, for 30 minutes.</p>`);
}

/** The account an email may sign up to (or sign in to, as an existing user) without SSO. */
async function signUpAccount(runtime: Runtime, policies: Policies, email: string): Promise<Account | undefined> {
  const invitation = (await runtime.repos.invitations.findPendingAnywhere(email, Date.now())).find((i) => i.kind !== 'guest');
  const invitedTo = invitation ? policies.account(invitation.accountId) : undefined;
  if (invitedTo) return invitedTo;
  const claimed = policies.domain(emailDomain(email));
  if (!claimed || !(await isDomainVerified(runtime.repos, claimed.account, claimed.domain))) return undefined;
  if (claimed.domain.control !== 'off') return claimed.account;
  return (await runtime.repos.users.findByEmail(claimed.account.id, email)) ? claimed.account : undefined;
}

function tooMany(ctx: Context): void {
  ctx.type = 'html';
  ctx.body = page('Too many attempts', '<h1>Too many attempts</h1><p>Wait a while, then try again.</p>');
}

function render(ctx: Context, status: number, title: string, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = page(title, body);
}

const loginForm = (returnTo: string, error?: string) => `<h1>Sign in</h1>
${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/sso/login">
<label for="email">Work email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus>
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<button>Continue</button>
</form>`;

const choicePage = (connections: Connection[], email: string, returnTo: string) => `<h1>Choose how to sign in</h1>
<p class="muted">${escapeHtml(email)}</p>
<ul class="choices">${connections
  .map((c) => `<li><a class="button" href="${escapeHtml(connectionLoginUrl(c, email, returnTo))}">${escapeHtml(c.id)} (${c.type.toUpperCase()})</a></li>`)
  .join('')}</ul>`;
