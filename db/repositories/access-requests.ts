// Domain control's request_access: a person asks to join; an admin approves or denies.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { uniqueGuardedStatement } from './shared.js';

export type AccessRequestStatus = 'open' | 'approved' | 'denied';

export interface AccessRequest {
  id: string;
  accountId: string;
  email: string;
  name: string | null;
  connectionId: string;
  issuer: string;
  subject: string;
  status: AccessRequestStatus;
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
}

export type NewAccessRequest = Pick<AccessRequest, 'accountId' | 'email' | 'name' | 'connectionId' | 'issuer' | 'subject' | 'createdAt'>;

export interface AccessRequestsRepository {
  /** The open request of this person, created when there is none (also when two logins race). */
  open(request: NewAccessRequest): Promise<{ request: AccessRequest; created: boolean }>;
  findOpen(accountId: string, email: string): Promise<AccessRequest | null>;
  get(id: string): Promise<AccessRequest | null>;
  list(accountId: string, status?: AccessRequestStatus): Promise<AccessRequest[]>;
  /** False when the request is not open any more. */
  decide(id: string, status: 'approved' | 'denied', by: string, now: number): Promise<boolean>;
}

interface Row {
  id: string;
  account_id: string;
  email_lower: string;
  name: string | null;
  connection_id: string;
  issuer: string;
  subject: string;
  status: AccessRequestStatus;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

const toRequest = (r: Row): AccessRequest => ({
  id: r.id,
  accountId: r.account_id,
  email: r.email_lower,
  name: r.name,
  connectionId: r.connection_id,
  issuer: r.issuer,
  subject: r.subject,
  status: r.status,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
});

export function accessRequestsRepository(knex: Knex): AccessRequestsRepository {
  const requests = () => knex<Row>('access_requests');
  const findOpen = async (accountId: string, email: string) => {
    const row = await requests().where({ account_id: accountId, email_lower: email.toLowerCase(), status: 'open' }).first();
    return row ? toRequest(row) : null;
  };
  return {
    async open(r) {
      const existing = await findOpen(r.accountId, r.email);
      if (existing) return { request: existing, created: false };
      const row: Row = {
        id: randomUUID(),
        account_id: r.accountId,
        email_lower: r.email.toLowerCase(),
        name: r.name,
        connection_id: r.connectionId,
        issuer: r.issuer,
        subject: r.subject,
        status: 'open',
        created_at: r.createdAt,
        decided_at: null,
        decided_by: null,
      };
      try {
        await uniqueGuardedStatement(knex, (k) => k('access_requests').insert(row));
        return { request: toRequest(row), created: true };
      } catch (err) {
        const raced = await findOpen(r.accountId, r.email);
        if (raced) return { request: raced, created: false };
        throw err;
      }
    },
    findOpen,
    async get(id) {
      const row = await requests().where({ id }).first();
      return row ? toRequest(row) : null;
    },
    async list(accountId, status) {
      const query = requests().where({ account_id: accountId });
      if (status) query.andWhere({ status });
      return (await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }])).map(toRequest);
    },
    async decide(id, status, by, now) {
      return (await requests().where({ id, status: 'open' }).update({ status, decided_at: now, decided_by: by })) > 0;
    },
  };
}
