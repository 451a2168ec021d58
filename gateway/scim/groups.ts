// SCIM groups. A group maps to a team when the connection's groups_to_teams names
// its displayName, else when a team of the account has that id or name (any case);
// its members then hold the team (membership source "scim-group"). Memberships from
// other sources are never touched. Every write runs in one transaction.
import { randomUUID } from 'node:crypto';
import { UniqueViolation, type Repos } from '../../db/index.js';
import type { ScimGroup, ScimGroupMember } from '../../db/repositories/scim-groups.js';
import type { Page } from '../../db/repositories/scim-users.js';
import type { ScimContext } from './context.js';
import { invalidValue, notFound, ScimError } from './errors.js';
import { compiledFilter } from './filter/query.js';
import { GROUP_SHAPE, isObject, normalizeResource, type Doc } from './normalize.js';
import { applyPatch } from './patch.js';
import { GROUP_SCHEMA } from './schemas.js';

export interface GroupView {
  group: ScimGroup;
  /** Null when the caller asked for no members. */
  members: ScimGroupMember[] | null;
}

function teamFor(c: ScimContext, displayName: string): string | null {
  const mapped = c.connection.groups_to_teams?.[displayName];
  if (mapped) return mapped;
  const lower = displayName.toLowerCase();
  return c.account.teams.find((t) => t.id === lower || t.name.toLowerCase() === lower)?.id ?? null;
}

interface GroupDoc {
  displayName: string;
  externalId: string | null;
  members: string[];
}

function groupDoc(doc: Doc): GroupDoc {
  const displayName = typeof doc.displayName === 'string' ? doc.displayName.trim() : '';
  if (!displayName) throw invalidValue('displayName is required');
  const members = (Array.isArray(doc.members) ? doc.members : []).flatMap((m) => (isObject(m) && typeof m.value === 'string' ? [m.value] : []));
  return { displayName, externalId: typeof doc.externalId === 'string' ? doc.externalId : null, members: [...new Set(members)] };
}

/** The teams of these users follow their SCIM groups. */
async function syncTeams(tx: Repos, accountId: string, userIds: string[], now: number): Promise<void> {
  if (!userIds.length) return;
  const wanted = await tx.scimGroups.teamsOfUsers(userIds);
  for (const userId of userIds) {
    const teams = wanted.get(userId) ?? new Set<string>();
    const current = await tx.memberships.listForUser(userId);
    for (const m of current) if (m.source === 'scim-group' && !teams.has(m.teamId)) await tx.memberships.remove(userId, m.teamId);
    const held = new Set(current.map((m) => m.teamId));
    for (const teamId of teams) if (!held.has(teamId)) await tx.memberships.add({ userId, accountId, teamId, source: 'scim-group', createdAt: now });
  }
}

async function write(c: ScimContext, fn: (tx: Repos) => Promise<void>): Promise<void> {
  try {
    await c.runtime.repos.transaction(fn);
  } catch (err) {
    if (err instanceof UniqueViolation) throw new ScimError(409, 'uniqueness', 'a group with this displayName exists');
    throw err;
  }
}

/** Writes the group's new state and moves the teams of every member who joined or left. */
async function store(tx: Repos, c: ScimContext, group: ScimGroup, before: string[], after: GroupDoc, now: number): Promise<void> {
  const users = await tx.scimUsers.userIds(c.connection.id, [...new Set([...before, ...after.members])]);
  const unknown = after.members.filter((id) => !users.has(id));
  if (unknown.length) throw invalidValue(`no such user: ${unknown.slice(0, 5).join(', ')}`);
  const teamId = teamFor(c, after.displayName);
  await tx.scimGroups.update(group.id, { displayName: after.displayName, externalId: after.externalId, teamId }, now);
  const old = new Set(before);
  const next = new Set(after.members);
  await tx.scimGroups.removeMembers(group.id, before.filter((id) => !next.has(id)));
  await tx.scimGroups.addMembers(group.id, after.members.filter((id) => !old.has(id)));
  // A rename may move the group to another team: then every member moves.
  const affected = teamId === group.teamId ? [...before.filter((id) => !next.has(id)), ...after.members.filter((id) => !old.has(id))] : [...users.keys()];
  await syncTeams(tx, c.account.id, affected.map((id) => users.get(id)!), now);
}

export async function getGroup(c: ScimContext, id: string, withMembers = true): Promise<GroupView> {
  const group = await c.runtime.repos.scimGroups.get(c.connection.id, id);
  if (!group) throw notFound(`no group ${id}`);
  return { group, members: withMembers ? ((await c.runtime.repos.scimGroups.members([id])).get(id) ?? []) : null };
}

export async function listGroups(c: ScimContext, filter: string | null, page: Page, withMembers: boolean): Promise<{ total: number; groups: GroupView[] }> {
  const { total, groups } = await compiledFilter(filter, (parsed) => c.runtime.repos.scimGroups.list(c.connection.id, parsed, page));
  const members = withMembers ? await c.runtime.repos.scimGroups.members(groups.map((g) => g.id)) : null;
  return { total, groups: groups.map((group) => ({ group, members: members?.get(group.id) ?? null })) };
}

export async function createGroup(c: ScimContext, body: Doc): Promise<GroupView> {
  const doc = groupDoc(normalizeResource(GROUP_SHAPE, body));
  const id = randomUUID();
  const now = Date.now();
  await write(c, async (tx) => {
    const group: ScimGroup = { id, connectionId: c.connection.id, accountId: c.account.id, displayName: doc.displayName, externalId: doc.externalId, teamId: null, createdAt: now, updatedAt: now };
    await tx.scimGroups.create(group);
    await store(tx, c, group, [], doc, now);
  });
  return getGroup(c, id);
}

export async function replaceGroup(c: ScimContext, id: string, body: Doc): Promise<GroupView> {
  const { group, members } = await getGroup(c, id);
  const doc = groupDoc(normalizeResource(GROUP_SHAPE, body));
  await write(c, (tx) => store(tx, c, group, members!.map((m) => m.value), doc, Date.now()));
  return getGroup(c, id);
}

export async function patchGroup(c: ScimContext, id: string, body: unknown): Promise<void> {
  const { group, members } = await getGroup(c, id);
  const before = members!.map((m) => m.value);
  const current: Doc = { displayName: group.displayName, ...(group.externalId ? { externalId: group.externalId } : {}), members: before.map((value) => ({ value })) };
  const doc = groupDoc(applyPatch(GROUP_SHAPE, current, body));
  await write(c, (tx) => store(tx, c, group, before, doc, Date.now()));
}

export async function deleteGroup(c: ScimContext, id: string): Promise<void> {
  const { group, members } = await getGroup(c, id);
  await write(c, async (tx) => {
    await tx.scimGroups.delete(group.id);
    await syncTeams(tx, c.account.id, members!.map((m) => m.userId), Date.now());
  });
}

export function renderGroup(view: GroupView, base: string): Doc {
  const { group, members } = view;
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    displayName: group.displayName,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    ...(members ? { members: members.map((m) => ({ value: m.value, display: m.display, $ref: `${base}/Users/${m.value}`, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: new Date(group.createdAt).toISOString(), lastModified: new Date(group.updatedAt).toISOString(), location: `${base}/Groups/${group.id}` },
  };
}
