// License usage (software asset management) for one account: seats bought, used
// and free by license and team, users with their last activity, Full users idle
// long enough to reclaim, people of the account's domains outside it, and seats
// used over time (rebuilt from the recorded license decisions).
import type { Repos } from '../db/index.js';
import type { DecisionPoint, Outsider, UserUsage } from '../db/repositories/usage.js';
import type { Account } from '../policies/model.js';
import type { License } from '../policies/schema.js';

const DAY_MS = 86_400_000;

export type LicenseCounts = Record<License, number>;

export interface SeatsPoint extends LicenseCounts {
  at: number;
}

export interface UsageReport {
  account: { id: string; name: string; program: string };
  generatedAt: number;
  seats: { full: { bought: number; used: number; free: number } };
  /** Users holding each license. */
  licenses: LicenseCounts;
  teams: ({ id: string; name: string; users: number } & LicenseCounts)[];
  users: (UserUsage & { idleDays: number | null })[];
  idleFullAfterDays: number;
  /** Active Full users not seen for idleFullAfterDays or more: candidates to reclaim. */
  idleFull: { id: string; email: string; lastActiveAt: number | null; idleDays: number | null }[];
  outsiders: Outsider[];
  /** After each license decision: how many users held each license. */
  seatsOverTime: SeatsPoint[];
}

const zero = (): LicenseCounts => ({ full: 0, free: 0, free_restricted: 0 });

/** Replays the decisions in order; a user is their id, or their email once the user was deleted. */
export function seatsOverTime(history: DecisionPoint[]): SeatsPoint[] {
  const held = new Map<string, License>();
  const counts = zero();
  const points: SeatsPoint[] = [];
  for (const d of history) {
    const who = d.userId ?? `email:${d.email.toLowerCase()}`;
    const before = held.get(who);
    if (before) counts[before]--;
    if (d.license) {
      held.set(who, d.license);
      counts[d.license]++;
    } else held.delete(who);
    const last = points.at(-1);
    if (last && last.at === d.decidedAt) Object.assign(last, counts);
    else points.push({ at: d.decidedAt, ...counts });
  }
  return points;
}

export async function usageReport(repos: Repos, account: Account, now = Date.now()): Promise<UsageReport> {
  const users = (await repos.usage.listUsers(account.id)).map((u) => ({ ...u, idleDays: u.lastActiveAt === null ? null : Math.floor((now - u.lastActiveAt) / DAY_MS) }));
  const licensed = users.filter((u) => u.license !== null && u.status === 'active');
  const licenses = zero();
  for (const u of licensed) licenses[u.license!]++;
  const teams = account.teams.map((t) => {
    const row = { id: t.id, name: t.name, users: 0, ...zero() };
    for (const u of licensed.filter((x) => x.teams.includes(t.id))) {
      row.users++;
      row[u.license!]++;
    }
    return row;
  });
  const { used } = await repos.seats.usage(account.id);
  const threshold = account.usage.idleFullAfterDays;
  const idleFull = licensed
    .filter((u) => u.license === 'full' && (u.idleDays === null || u.idleDays >= threshold))
    .map(({ id, email, lastActiveAt, idleDays }) => ({ id, email, lastActiveAt, idleDays }));
  return {
    account: { id: account.id, name: account.name, program: account.licensing.program },
    generatedAt: now,
    seats: { full: { bought: account.licensing.seatsFull, used, free: Math.max(0, account.licensing.seatsFull - used) } },
    licenses,
    teams,
    users,
    idleFullAfterDays: threshold,
    idleFull,
    outsiders: await repos.usage.outsiders(account.id, account.domains.map((d) => d.name)),
    seatsOverTime: seatsOverTime(await repos.usage.decisionHistory(account.id)),
  };
}

