// What the /admin/api routers share: JSON bodies, error answers, the account an
// admin acts on, and the audit of their actions.
import parseBody from 'co-body';
import type { Context } from 'koa';
import type { Account } from '../../policies/model.js';
import { adminAccount, type Admin } from '../admin-auth.js';
import { recordAudit, type AuditedAction } from '../audit.js';
import type { Runtime } from '../runtime.js';

export type Body = Record<string, unknown>;

export const readJson = async (ctx: Context): Promise<Body> => {
  const body = (await parseBody.json(ctx, { limit: '64kb', strict: true })) as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
};

export function fail(ctx: Context, status: number, error: string, message: string): void {
  ctx.status = status;
  ctx.body = { error, message };
}

/** The account the request acts on, or a 400/404 already answered. */
export function accountOrFail(runtime: Runtime, ctx: Context, named: unknown): Account | undefined {
  const found = adminAccount(runtime, ctx, named);
  if (!found) fail(ctx, named === undefined ? 400 : 404, 'unknown-account', named === undefined ? 'name the account (field or query "account")' : `no account ${String(named)} for you`);
  return found;
}

export const audit = (runtime: Runtime, ctx: Context, action: AuditedAction): Promise<void> => recordAudit(runtime, ctx.state.admin as Admin, action);
