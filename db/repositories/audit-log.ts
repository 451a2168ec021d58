// The audit log of admin actions: who did what, when, in which account, to what.
import type { Knex } from 'knex';

export interface AuditEntry {
  id: number;
  accountId: string | null;
  /** "token:<name>" or the admin's email. */
  actor: string;
  action: string;
  /** What the action was about: a user, invitation or request id. */
  target: string | null;
  details: Record<string, unknown> | null;
  createdAt: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditLogRepository {
  record(entry: NewAuditEntry): Promise<number>;
  /** Newest first; `accountId` null: every account. `before`: entries with a smaller id (paging). */
  list(accountId: string | null, options?: { limit?: number; before?: number }): Promise<AuditEntry[]>;
}

interface AuditRow {
  id: number;
  account_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: string | null;
  created_at: number;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  accountId: r.account_id,
  actor: r.actor,
  action: r.action,
  target: r.target,
  details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
  createdAt: r.created_at,
});

export function auditLogRepository(knex: Knex): AuditLogRepository {
  return {
    async record(e) {
      const [row] = await knex<AuditRow>('audit_log')
        .insert({ account_id: e.accountId, actor: e.actor, action: e.action, target: e.target, details: e.details === null ? null : JSON.stringify(e.details), created_at: e.createdAt })
        .returning('id');
      if (!row) throw new Error('audit_log insert returned no id');
      return row.id;
    },

    async list(accountId, { limit = 100, before } = {}) {
      const q = knex<AuditRow>('audit_log').orderBy('id', 'desc').limit(limit);
      if (accountId !== null) q.where({ account_id: accountId });
      if (before !== undefined) q.andWhere('id', '<', before);
      return (await q).map(toEntry);
    },
  };
}
