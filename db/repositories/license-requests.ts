// Users asking for a (Full) license; at most one open request per user.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { OpenRequestExists, UniqueViolation } from '../errors.js';
import { uniqueGuardedStatement } from './shared.js';

export type LicenseRequestStatus = 'open' | 'approved' | 'denied';

export interface LicenseRequest {
  id: string;
  accountId: string;
  userId: string;
  note: string | null;
  status: LicenseRequestStatus;
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
}

export interface NewLicenseRequest {
  accountId: string;
  userId: string;
  note?: string | null;
  createdAt: number;
}

export interface LicenseRequestsRepository {
  /** Throws OpenRequestExists when the user already has an open request. */
  create(request: NewLicenseRequest): Promise<LicenseRequest>;
  /** Oldest first. */
  listOpen(accountId: string): Promise<LicenseRequest[]>;
  get(id: string): Promise<LicenseRequest | null>;
  /** Newest first. */
  list(accountId: string, status?: LicenseRequestStatus): Promise<LicenseRequest[]>;
  findOpenForUser(userId: string): Promise<LicenseRequest | null>;
  /** Closes an open request; false when it is not open (already decided, or unknown). */
  decide(id: string, status: 'approved' | 'denied', by: string, now: number): Promise<boolean>;
}

interface LicenseRequestRow {
  id: string;
  account_id: string;
  user_id: string;
  note: string | null;
  status: LicenseRequestStatus;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

const toRequest = (r: LicenseRequestRow): LicenseRequest => ({
  id: r.id,
  accountId: r.account_id,
  userId: r.user_id,
  note: r.note,
  status: r.status,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
});

export function licenseRequestsRepository(knex: Knex): LicenseRequestsRepository {
  const requests = () => knex<LicenseRequestRow>('license_requests');
  return {
    async create(r) {
      const row: LicenseRequestRow = {
        id: randomUUID(),
        account_id: r.accountId,
        user_id: r.userId,
        note: r.note ?? null,
        status: 'open',
        created_at: r.createdAt,
        decided_at: null,
        decided_by: null,
      };
      try {
        await uniqueGuardedStatement(knex, async (k) => k('license_requests').insert(row));
      } catch (err) {
        // The partial unique index license_requests_one_open on (user_id) WHERE status = 'open'.
        if (err instanceof UniqueViolation && err.columns.join() === 'user_id') throw new OpenRequestExists(r.userId, { cause: err });
        throw err;
      }
      return toRequest(row);
    },

    async listOpen(accountId) {
      const rows = await requests().where({ account_id: accountId, status: 'open' }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
      return rows.map(toRequest);
    },

    async get(id) {
      const row = await requests().where({ id }).first();
      return row ? toRequest(row) : null;
    },

    async list(accountId, status) {
      const q = requests().where({ account_id: accountId });
      if (status) q.andWhere({ status });
      return (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }])).map(toRequest);
    },

    async findOpenForUser(userId) {
      const row = await requests().where({ user_id: userId, status: 'open' }).first();
      return row ? toRequest(row) : null;
    },

    async decide(id, status, by, now) {
      return (await requests().where({ id, status: 'open' }).update({ status, decided_by: by, decided_at: now })) > 0;
    },
  };
}
