// The order of a login, written once: identity -> known user (profile synced),
// or the first-login plan (link, provision, ask for access) -> session -> redirect.
// Every protocol adapter (SAML, OIDC, email sign-up) ends here with a verified,
// normalized identity.
import type { Context } from 'koa';
import type { User } from '../db/index.js';
import { notifyAccessRequest } from './access-requests.js';
import { planFirstLogin } from './first-login.js';
import { countLogin } from './metrics.js';
import type { NormalizedIdentity } from './identity.js';
import { syncProfile } from './profile-sync.js';
import { InvitationGone, provisionUser, type ProvisionRequest } from './provisioning.js';
import { LoginRefused } from './refusal.js';
import type { Runtime } from './runtime.js';
import { startSession } from './session.js';

export { LoginRefused, renderRefusal } from './refusal.js';

/**
 * A same-origin relative path, or "/". Refuses `//host`, `/\host`, schemes,
 * control characters and whitespace (browsers strip tabs: `/\t/evil` is `//evil`).
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2048) return '/';
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return '/';
  }
  for (const candidate of [value, decoded]) {
    if (/[\u0000-\u0020\u007f\\]/.test(candidate) || candidate.startsWith('//')) return '/';
  }
  const base = new URL(publicUrl);
  const url = new URL(value, base);
  if (url.origin !== base.origin) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Sign the person in: the known user, or a newly provisioned one. Throws LoginRefused. */
export async function completeLogin(runtime: Runtime, ctx: Context, identity: NormalizedIdentity, returnTo: string): Promise<void> {
  const known = await runtime.repos.users.findByIdentity(identity.issuer, identity.subject);
  const user = known ?? (await firstLogin(runtime, identity));
  if (user.status !== 'active') {
    throw new LoginRefused('user-not-active', 'Your access has been suspended. Ask your administrator.', 403, `user ${user.id} is ${user.status}`);
  }
  if (known) await syncProfile(runtime.repos, known, identity, identity.connectionId ? runtime.policies().connection(identity.connectionId)?.connection : undefined);
  await startSession(runtime, ctx, user.id, identity);
  runtime.log.info({ reason: 'login-ok', protocol: identity.protocol, connection: identity.connectionId, user: user.id }, 'login');
  countLogin(identity.protocol, identity.connectionId, 'login-ok');
  ctx.redirect(safeReturnTo(returnTo, runtime.policies().gateway.publicUrl));
}

async function firstLogin(runtime: Runtime, identity: NormalizedIdentity): Promise<User> {
  const email = identity.email;
  if (!email) throw new LoginRefused('email-missing', 'Your identity provider did not send a verified email address.');
  const plan = await planFirstLogin(runtime, { ...identity, email });
  switch (plan.kind) {
    case 'link':
      await runtime.repos.identities.create({ userId: plan.user.id, connectionId: identity.connectionId ?? 'email', issuer: identity.issuer, subject: identity.subject, createdAt: Date.now() });
      return plan.user;
    case 'provision':
      return provisioned(runtime, plan.request);
    case 'access-request': {
      const { request, created } = await runtime.repos.accessRequests.open({
        accountId: plan.account.id,
        email,
        name: identity.name,
        connectionId: identity.connectionId ?? 'email',
        issuer: identity.issuer,
        subject: identity.subject,
        createdAt: Date.now(),
      });
      if (created) await notifyAccessRequest(runtime, plan.account, request);
      throw new LoginRefused('access-request-pending', `An administrator of ${plan.account.name} has been asked to let you in. You can sign in once they approve.`, 403, `access request ${request.id}`, 'Waiting for approval');
    }
  }
}

async function provisioned(runtime: Runtime, req: ProvisionRequest): Promise<User> {
  let result;
  try {
    result = await provisionUser(runtime.repos, runtime.policies(), req);
  } catch (err) {
    if (err instanceof InvitationGone) throw new LoginRefused('invitation-gone', 'Your invitation is no longer valid. Ask for a new one.', 410, err.message);
    throw err;
  }
  if (!result.ok) throw new LoginRefused(result.refusal, 'Your account could not be created. Ask your administrator.', 409, result.message);
  runtime.log.info({ reason: result.reason, route: req.route, license: result.license, account: req.account.id, user: result.user.id }, 'license decision');
  return result.user;
}
