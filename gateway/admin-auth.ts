// Who may use /admin/api: automation with a gateway admin token (any account),
// or a signed-in admin of an account (named in its policy by email or IdP group),
// whose unsafe requests must also come from the gateway's own origin (CSRF).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Account } from '../policies/model.js';
import { requireSameOrigin } from './csrf.js';
import type { ActiveSession } from './identity.js';
import type { Runtime } from './runtime.js';

export interface Admin {
  /** For the audit: "token:<name>" or the admin's email. */
  actor: string;
  /** The one account a session admin may act on; null: a token, any account. */
  accountId: string | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export function isAccountAdmin(account: Account, session: ActiveSession): boolean {
  return (
    session.accountId === account.id &&
    (account.admins.emails.includes(session.email.toLowerCase()) || session.groups.some((g) => account.admins.groups.includes(g)))
  );
}

function tokenAdmin(runtime: Runtime, header: string): Admin | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return undefined;
  const presented = sha256(match[1]);
  for (const t of runtime.policies().gateway.adminTokens) {
    const expected = t.sha256 ? Buffer.from(t.sha256, 'hex') : sha256(t.token!);
    if (timingSafeEqual(presented, expected)) return { actor: `token:${t.name}`, accountId: null };
  }
  return undefined;
}

/** Sets ctx.state.admin, or answers 401/403 in JSON. */
export function requireAdmin(runtime: Runtime): Middleware {
  const sameOrigin = requireSameOrigin(runtime);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const admin = tokenAdmin(runtime, header);
      if (!admin) return deny(runtime, ctx, 401, 'admin-token-invalid', 'the bearer token is not an admin token');
      ctx.state.admin = admin;
      return next();
    }
    const session = ctx.state.session as ActiveSession | undefined;
    if (!session) return deny(runtime, ctx, 401, 'unauthenticated', 'sign in as an admin, or send an admin token');
    const account = runtime.policies().account(session.accountId);
    if (!account || !isAccountAdmin(account, session)) return deny(runtime, ctx, 403, 'not-an-admin', 'you are not an admin of your account');
    ctx.state.admin = { actor: session.email, accountId: account.id } satisfies Admin;
    return ctx.method === 'GET' || ctx.method === 'HEAD' ? next() : sameOrigin(ctx, next);
  };
}

function deny(runtime: Runtime, ctx: Context, status: number, reason: string, message: string): void {
  runtime.log.warn({ reason, route: ctx.path }, 'admin request refused');
  ctx.status = status;
  ctx.body = { error: reason, message };
}

/** The account an admin request acts on: the session admin's own, or the one a token request names. */
export function adminAccount(runtime: Runtime, ctx: Context, named: unknown): Account | undefined {
  const admin = ctx.state.admin as Admin;
  const id = admin.accountId ?? (typeof named === 'string' ? named : undefined);
  if (admin.accountId && named !== undefined && named !== admin.accountId) return undefined;
  return id ? runtime.policies().account(id) : undefined;
}
