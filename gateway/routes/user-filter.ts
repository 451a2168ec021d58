// The admin's user list filters (?license=&team=&domain=&status=&active_within_days=&inactive_for_days=).
import type { ParsedUrlQuery } from 'node:querystring';
import type { UserFilter } from '../../db/repositories/usage.js';
import type { UserStatus } from '../../db/repositories/users.js';
import { LICENSES, type License } from '../../policies/schema.js';

const STATUSES: readonly UserStatus[] = ['active', 'deactivated', 'pending_approval'];
const DAY_MS = 86_400_000;

export function userFilter(query: ParsedUrlQuery, now: number): { ok: true; filter: UserFilter } | { ok: false; message: string } {
  const one = (key: string) => (typeof query[key] === 'string' && query[key] !== '' ? (query[key] as string) : undefined);
  const filter: UserFilter = {};
  const license = one('license');
  if (license !== undefined) {
    if (!LICENSES.includes(license as License)) return { ok: false, message: `license must be one of ${LICENSES.join(', ')}` };
    filter.license = license as License;
  }
  const status = one('status');
  if (status !== undefined) {
    if (!STATUSES.includes(status as UserStatus)) return { ok: false, message: `status must be one of ${STATUSES.join(', ')}` };
    filter.status = status as UserStatus;
  }
  filter.team = one('team');
  filter.domain = one('domain');
  for (const [key, field] of [['active_within_days', 'activeSince'], ['inactive_for_days', 'inactiveSince']] as const) {
    const value = one(key);
    if (value === undefined) continue;
    const days = Number(value);
    if (!Number.isInteger(days) || days < 0) return { ok: false, message: `${key} must be a whole number of days` };
    filter[field] = now - days * DAY_MS;
  }
  return { ok: true, filter };
}
