// Admin actions go to the audit log (the database), and to the log as before.
import type { Admin } from './admin-auth.js';
import type { Runtime } from './runtime.js';

export interface AuditedAction {
  action: string;
  accountId: string | null;
  /** The user, invitation or request acted on. */
  target?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(runtime: Runtime, admin: Admin, a: AuditedAction, now = Date.now()): Promise<void> {
  await runtime.repos.auditLog.record({ accountId: a.accountId, actor: admin.actor, action: a.action, target: a.target ?? null, details: a.details ?? null, createdAt: now });
  runtime.log.info({ reason: 'admin-action', action: a.action, actor: admin.actor, account: a.accountId, target: a.target ?? null }, 'admin action');
}
