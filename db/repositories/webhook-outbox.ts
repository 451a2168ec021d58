// The webhook outbox: a row per notification, retried until the receiver answers
// 2xx. A sender claims rows (a token and a lease) so that no two senders, in any
// process, post the same row at once: FOR UPDATE SKIP LOCKED on PostgreSQL, and on
// SQLite, where writes are serialized, one conditional UPDATE.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

export interface OutboxMessage {
  id: number;
  accountId: string;
  event: string;
  url: string;
  body: string;
  status: 'pending' | 'delivered';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface ClaimedMessage extends OutboxMessage {
  claimToken: string;
}

export interface NewOutboxMessage {
  accountId: string;
  event: string;
  url: string;
  body: string;
  createdAt: number;
}

export interface WebhookOutboxRepository {
  enqueue(message: NewOutboxMessage): Promise<number>;
  /** Claims up to `limit` due, unclaimed messages until now + leaseMs, oldest first. */
  claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedMessage[]>;
  /** False when the claim was lost (lease over and taken by another sender). */
  markDelivered(id: number, claimToken: string, now: number): Promise<boolean>;
  /** Releases the claim; the message is due again at nextAttemptAt. */
  markFailed(id: number, claimToken: string, error: string, nextAttemptAt: number): Promise<boolean>;
  list(accountId: string, status?: OutboxMessage['status']): Promise<OutboxMessage[]>;
}

interface OutboxRow {
  id: number;
  account_id: string;
  event: string;
  url: string;
  body: string;
  status: 'pending' | 'delivered';
  attempts: number;
  next_attempt_at: number;
  claim_token: string | null;
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

const toMessage = (r: OutboxRow): OutboxMessage => ({
  id: Number(r.id),
  accountId: r.account_id,
  event: r.event,
  url: r.url,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
});

export function webhookOutboxRepository(knex: Knex): WebhookOutboxRepository {
  const outbox = () => knex<OutboxRow>('webhook_outbox');
  const isPostgres = knex.client.config.client === 'pg';
  return {
    async enqueue(m) {
      const [row] = await outbox()
        .insert({ account_id: m.accountId, event: m.event, url: m.url, body: m.body, status: 'pending', attempts: 0, next_attempt_at: m.createdAt, created_at: m.createdAt })
        .returning('id');
      if (!row) throw new Error('webhook_outbox insert returned no id');
      return Number(row.id);
    },

    async claimDue(now, leaseMs, limit) {
      const token = randomUUID();
      const due = knex('webhook_outbox')
        .select('id')
        .where({ status: 'pending' })
        .andWhere('next_attempt_at', '<=', now)
        .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', now))
        .orderBy('id')
        .limit(limit);
      if (isPostgres) due.forUpdate().skipLocked();
      // The claim conditions are repeated in the UPDATE itself, so a row claimed meanwhile is never taken twice.
      await outbox()
        .whereIn('id', due)
        .andWhere({ status: 'pending' })
        .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', now))
        .update({ claim_token: token, claimed_until: now + leaseMs });
      const rows = await outbox().where({ claim_token: token, status: 'pending' }).orderBy('id');
      return rows.map((r) => ({ ...toMessage(r), claimToken: token }));
    },

    async markDelivered(id, claimToken, now) {
      const changed = await outbox()
        .where({ id, claim_token: claimToken, status: 'pending' })
        .update({ status: 'delivered', delivered_at: now, attempts: knex.raw('attempts + 1'), claim_token: null, claimed_until: null, last_error: null });
      return changed > 0;
    },

    async markFailed(id, claimToken, error, nextAttemptAt) {
      const changed = await outbox()
        .where({ id, claim_token: claimToken, status: 'pending' })
        .update({ attempts: knex.raw('attempts + 1'), next_attempt_at: nextAttemptAt, claim_token: null, claimed_until: null, last_error: error.slice(0, 500) });
      return changed > 0;
    },

    async list(accountId, status) {
      const q = outbox().where({ account_id: accountId });
      if (status) q.andWhere({ status });
      return (await q.orderBy('id')).map(toMessage);
    },
  };
}
