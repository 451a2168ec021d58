// SCIM user operations. Creation goes through the one provisioning service; every
// write runs in one transaction, so a failed request changes nothing.
import { randomUUID } from 'node:crypto';
import { UniqueViolation, type Repos, type User } from '../../db/index.js';
import { writtenScimUser, type NewScimUser, type Page, type ScimUser, type ScimUserFields } from '../../db/repositories/scim-users.js';
import { emailDomain } from '../../policies/explain.js';
import { removeUser } from '../licenses.js';
import { provisionUser } from '../provisioning.js';
import { teamOf, type ScimContext } from './context.js';
import { invalidValue, notFound, ScimError } from './errors.js';
import { compiledFilter } from './filter/query.js';
import { setActive } from './lifecycle.js';
import { normalizeResource, USER_SHAPE, type Doc } from './normalize.js';
import { applyPatch } from './patch.js';
import { emailOf, nameOf, userFields } from './user-resource.js';

const taken = (what: string) => new ScimError(409, 'uniqueness', `${what} is already taken`);

/** Unique keys clash (userName, email): 409 uniqueness. */
async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UniqueViolation) throw taken(what);
    throw err;
  }
}

/** The email, checked against the connection's domains as JIT checks it. */
function emailFor(c: ScimContext, fields: ScimUserFields): string {
  const email = emailOf(fields);
  if (!email) throw invalidValue('a user needs an email: give emails, or a userName that is an email address');
  if (!c.connection.domains.includes(emailDomain(email)) && !c.connection.allow_outside_domains) {
    throw invalidValue(`${emailDomain(email)} is not a domain of connection ${c.connection.id}`);
  }
  return email;
}

/** Splits `active` off a document: true/false, or undefined when not given. */
function activeOf(doc: Doc): boolean | undefined {
  const { active } = doc;
  delete doc.active;
  return typeof active === 'boolean' ? active : undefined;
}

export async function getUser(c: ScimContext, id: string): Promise<ScimUser> {
  const found = await c.runtime.repos.scimUsers.get(c.connection.id, id);
  if (!found) throw notFound(`no user ${id}`);
  return found;
}

export async function listUsers(c: ScimContext, filter: string | null, page: Page) {
  return compiledFilter(filter, (parsed) => c.runtime.repos.scimUsers.list(c.connection.id, parsed, page));
}

export async function createUser(c: ScimContext, body: Doc): Promise<ScimUser> {
  const { repos } = c.runtime;
  const policies = c.runtime.policies();
  const doc = normalizeResource(USER_SHAPE, body);
  const active = activeOf(doc) ?? true;
  const fields = userFields(doc);
  const email = emailFor(c, fields);
  const id = randomUUID();
  const now = Date.now();
  const identity = { connectionId: c.connection.id, issuer: `scim:${c.connection.id}`, subject: id };
  const resource = (userId: string): NewScimUser => ({ id, userId, connectionId: c.connection.id, accountId: c.account.id, fields, createdAt: now });
  // setActive leaves the Doorman user active exactly when `active` is true.
  const attach = async (tx: Repos, user: User) => {
    await tx.scimUsers.create(resource(user.id));
    await setActive(tx, policies, c.account, user, active, c.actor, now);
  };

  const userId = await guarded('userName', async () => {
    // A user of the account who signed in before the IdP provisioned them: the resource adopts them.
    const existing = await repos.users.findByEmail(c.account.id, email);
    if (existing) {
      if (await repos.scimUsers.findByUserId(existing.id)) throw taken('a user with this email');
      await repos.transaction(async (tx) => {
        await tx.identities.create({ userId: existing.id, ...identity, createdAt: now });
        await attach(tx, existing);
      });
      return existing.id;
    }
    const result = await provisionUser(repos, policies, { account: c.account, teamId: teamOf(c), route: 'scim', email, name: nameOf(fields), identity, actor: c.actor, attach }, now);
    if (!result.ok) throw invalidValue(result.message);
    if (!result.created) throw taken('a user with this email');
    return result.user.id;
  });
  // What was just written, committed: reading it back would give the same.
  return writtenScimUser(resource(userId), active);
}

/** PUT: the document replaces the stored one (active, when absent, stays as it is). */
export async function replaceUser(c: ScimContext, id: string, body: Doc): Promise<ScimUser> {
  const current = await getUser(c, id);
  return writeUser(c, current, normalizeResource(USER_SHAPE, body));
}

export async function patchUser(c: ScimContext, id: string, body: unknown): Promise<ScimUser> {
  const current = await getUser(c, id);
  return writeUser(c, current, applyPatch(USER_SHAPE, { ...current.resource, active: current.active }, body));
}

async function writeUser(c: ScimContext, current: ScimUser, doc: Doc): Promise<ScimUser> {
  const active = activeOf(doc);
  const fields = userFields(doc);
  const email = emailFor(c, fields);
  const name = nameOf(fields);
  const now = Date.now();
  await guarded('userName or email', () =>
    c.runtime.repos.transaction(async (tx) => {
      const user = await tx.users.findById(current.userId);
      if (!user) throw notFound(`no user ${current.id}`);
      await tx.scimUsers.update(current.id, fields, now);
      if (email !== user.email || name !== user.name) await tx.users.updateProfile(user.id, { email, name }, now);
      if (active !== undefined) await setActive(tx, c.runtime.policies(), c.account, user, active, c.actor, now);
    }),
  );
  return getUser(c, current.id);
}

export async function deleteUser(c: ScimContext, id: string): Promise<void> {
  const current = await getUser(c, id);
  const result = await removeUser(c.runtime.repos, c.runtime.policies(), c.account, current.userId, c.actor, Date.now(), 'scim');
  if (!result.ok) throw notFound(`no user ${id}`);
}
