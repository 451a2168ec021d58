// A known user's profile follows the IdP, as the connection says: name and email
// on each login (or only the first), and IdP groups mapped to teams, so that an
// IdP that stops sending a group leaves no stale membership behind.
import { UniqueViolation, type Repos, type User } from '../db/index.js';
import { emailDomain } from '../policies/explain.js';
import type { Connection } from '../policies/schema.js';
import type { NormalizedIdentity } from './identity.js';

export async function syncProfile(repos: Repos, user: User, identity: NormalizedIdentity, connection: Connection | undefined, now = Date.now()): Promise<void> {
  if (!connection || (connection.profile_sync ?? 'on_each_login') !== 'on_each_login') return;
  const change: { name?: string | null; email?: string } = {};
  if (identity.name && identity.name !== user.name) change.name = identity.name;
  const email = identity.email;
  if (email && email !== user.email.toLowerCase() && (connection.domains.includes(emailDomain(email)) || connection.allow_outside_domains)) {
    change.email = email;
  }
  if (Object.keys(change).length) {
    try {
      await repos.users.updateProfile(user.id, change, now);
    } catch (err) {
      // The new email belongs to another user of the account: keep this one's, take the name.
      if (!(err instanceof UniqueViolation)) throw err;
      if (change.name !== undefined) await repos.users.updateProfile(user.id, { name: change.name }, now);
    }
  }
  await syncGroupTeams(repos, user, identity.groups, connection, now);
}

/** Team memberships that come from IdP groups match the groups the IdP sends now. */
export async function syncGroupTeams(repos: Repos, user: User, groups: string[] | null, connection: Connection | undefined, now = Date.now()): Promise<void> {
  const mapping = connection?.groups_to_teams;
  if (!mapping) return;
  const wanted = new Set((groups ?? []).flatMap((g) => (mapping[g] ? [mapping[g]] : [])));
  const current = await repos.memberships.listForUser(user.id);
  for (const m of current) if (m.source === 'group' && !wanted.has(m.teamId)) await repos.memberships.remove(user.id, m.teamId);
  const held = new Set(current.map((m) => m.teamId));
  for (const teamId of wanted) {
    if (!held.has(teamId)) await repos.memberships.add({ userId: user.id, accountId: user.accountId, teamId, source: 'group', createdAt: now });
  }
}
