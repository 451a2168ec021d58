// `doorman plan`: what applying a policies folder would change, against what the
// database holds (the snapshot written when the policies in force were applied, and
// the users, licenses and team memberships). Pure: the caller gathers the facts.
import type { Policies } from './model.js';

/** The parts of a policy version that plan compares; stored as JSON at each sync. */
export interface PolicySnapshot {
  accounts: AccountSnapshot[];
}

export interface AccountSnapshot {
  id: string;
  name: string;
  program: string;
  defaultLicense: string | null;
  seatsFull: number;
  defaultTeam: string;
  teams: string[];
  domains: { name: string; control: string }[];
  connections: { id: string; type: string; domains: string[]; jit: boolean; team: string }[];
}

/** What an account's active users hold now. */
export interface AccountHoldings {
  users: number;
  byLicense: Record<string, number>;
  byTeam: Record<string, number>;
}

export interface PlanChange {
  account: string;
  /** One line: "acme: seats.full 100 -> 80: 95 users hold Full, 15 over". */
  line: string;
}

export function snapshotOf(policies: Policies): PolicySnapshot {
  return {
    accounts: policies.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      program: a.licensing.program,
      defaultLicense: a.licensing.defaultLicense,
      seatsFull: a.licensing.seatsFull,
      defaultTeam: a.defaultTeam,
      teams: a.teams.map((t) => t.id),
      domains: a.domains.map((d) => ({ name: d.name, control: d.control })),
      connections: a.connections.map((c) => ({ id: c.id, type: c.type, domains: [...c.domains], jit: c.jit ?? false, team: c.team ?? a.defaultTeam })),
    })),
  };
}

/** The changes from `live` (applied) to `next`, account by account, in a stable order. */
export function planChanges(live: PolicySnapshot, next: PolicySnapshot, holdings: (accountId: string) => AccountHoldings): PlanChange[] {
  const changes: PlanChange[] = [];
  const before = new Map(live.accounts.map((a) => [a.id, a]));
  const after = new Map(next.accounts.map((a) => [a.id, a]));
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const say = (line: string) => changes.push({ account: id, line: `${id}: ${line}` });
    const [old, now] = [before.get(id), after.get(id)];
    const held = holdings(id);
    if (!old && now) {
      say(`account added (${now.program}, ${now.seatsFull} Full seats, ${now.domains.length} domains, ${now.connections.length} connections)`);
      continue;
    }
    if (old && !now) {
      say(`account removed from the policies: its ${held.users} users stay in the database but nobody can sign in to it through its domains or connections`);
      continue;
    }
    if (old && now) accountChanges(old, now, held).forEach(say);
  }
  return changes;
}

function accountChanges(old: AccountSnapshot, now: AccountSnapshot, held: AccountHoldings): string[] {
  const lines: string[] = [];
  const full = held.byLicense.full ?? 0;
  if (old.name !== now.name) lines.push(`name ${JSON.stringify(old.name)} -> ${JSON.stringify(now.name)}`);
  if (old.program !== now.program) lines.push(`licensing.program ${old.program} -> ${now.program}: new users get ${defaultOf(now)} instead of ${defaultOf(old)}; the ${held.users} users keep their licenses`);
  else if (old.defaultLicense !== now.defaultLicense) lines.push(`licensing.default_license ${old.defaultLicense ?? '-'} -> ${now.defaultLicense ?? '-'}: new users get ${defaultOf(now)}`);
  if (old.seatsFull !== now.seatsFull) {
    const over = full - now.seatsFull;
    const free = now.seatsFull - full;
    lines.push(`seats.full ${old.seatsFull} -> ${now.seatsFull}: ${full} users hold Full, ${over > 0 ? `${over} over (no new Full until ${over} are released)` : `${free} free`}`);
  }

  for (const team of now.teams.filter((t) => !old.teams.includes(t))) lines.push(`team ${team} added`);
  for (const team of old.teams.filter((t) => !now.teams.includes(t))) {
    const members = held.byTeam[team] ?? 0;
    lines.push(members > 0 ? `team ${team} removed: ${members} users are in it; it stays in the database until they are moved` : `team ${team} removed (no members)`);
  }
  if (old.defaultTeam !== now.defaultTeam) lines.push(`default team ${old.defaultTeam} -> ${now.defaultTeam}: new users land in ${now.defaultTeam}`);

  const oldDomains = new Map(old.domains.map((d) => [d.name, d.control]));
  const nowDomains = new Map(now.domains.map((d) => [d.name, d.control]));
  for (const [name, control] of nowDomains) {
    const was = oldDomains.get(name);
    if (was === undefined) lines.push(`domain ${name} added (control ${control})`);
    else if (was !== control) lines.push(`domain ${name} control ${was} -> ${control}`);
  }
  for (const name of oldDomains.keys()) if (!nowDomains.has(name)) lines.push(`domain ${name} removed: its users keep their accounts; new ones are no longer captured`);

  const oldConnections = new Map(old.connections.map((c) => [c.id, c]));
  const nowConnections = new Map(now.connections.map((c) => [c.id, c]));
  for (const [id, c] of nowConnections) {
    const was = oldConnections.get(id);
    if (!was) lines.push(`connection ${id} added (${c.type}, domains ${c.domains.join(', ') || '-'}${c.jit ? `, JIT into ${c.team}` : ''})`);
    else {
      if (was.type !== c.type) lines.push(`connection ${id} type ${was.type} -> ${c.type}`);
      if (was.domains.join(',') !== c.domains.join(',')) lines.push(`connection ${id} domains ${was.domains.join(', ') || '-'} -> ${c.domains.join(', ') || '-'}`);
      if (was.jit !== c.jit) lines.push(`connection ${id} jit ${was.jit} -> ${c.jit}`);
      if (was.team !== c.team) lines.push(`connection ${id} team ${was.team} -> ${c.team}: new JIT users land in ${c.team}; ${held.byTeam[was.team] ?? 0} users stay in ${was.team}`);
    }
  }
  for (const id of oldConnections.keys()) if (!nowConnections.has(id)) lines.push(`connection ${id} removed: its users can no longer sign in through it`);
  return lines;
}

const defaultOf = (a: AccountSnapshot): string => (a.program === 'flexible' ? (a.defaultLicense ?? '-') : 'full (free_restricted when no seat is left)');
