// A SCIM user's canonical document <-> its columns, its Doorman email and name, and its representation.
import type { ScimEmail, ScimUser, ScimUserFields } from '../../db/repositories/scim-users.js';
import { invalidValue } from './errors.js';
import { isObject, type Doc } from './normalize.js';
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from './schemas.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The columns of a canonical user document (without active); userName is required. */
export function userFields(doc: Doc): ScimUserFields {
  const userName = str(doc.userName)?.trim();
  if (!userName) throw invalidValue('userName is required');
  const name = isObject(doc.name) ? doc.name : {};
  const ext = isObject(doc[ENTERPRISE_SCHEMA]) ? (doc[ENTERPRISE_SCHEMA] as Doc) : {};
  const manager = isObject(ext.manager) ? ext.manager : {};
  const emails: ScimEmail[] = (Array.isArray(doc.emails) ? doc.emails : []).flatMap((e) =>
    isObject(e) && str(e.value) ? [{ value: String(e.value), type: str(e.type), primary: e.primary === true }] : [],
  );
  return {
    externalId: str(doc.externalId),
    userName,
    displayName: str(doc.displayName),
    givenName: str(name.givenName),
    familyName: str(name.familyName),
    formattedName: str(name.formatted),
    title: str(doc.title),
    department: str(ext.department),
    employeeNumber: str(ext.employeeNumber),
    managerId: str(manager.value),
    emails,
    resource: { ...doc, userName },
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The Doorman user's email: the primary email, else the work one, else the first, else an email-shaped userName. */
export function emailOf(f: ScimUserFields): string | null {
  const pick = f.emails.find((e) => e.primary) ?? f.emails.find((e) => e.type?.toLowerCase() === 'work') ?? f.emails[0];
  const email = pick?.value ?? (EMAIL.test(f.userName) ? f.userName : null);
  return email && EMAIL.test(email) ? email : null;
}

export function nameOf(f: ScimUserFields): string | null {
  return f.displayName ?? f.formattedName ?? ([f.givenName, f.familyName].filter(Boolean).join(' ') || null);
}

export function renderUser(u: ScimUser, base: string): Doc {
  const { userName, ...rest } = u.resource;
  return {
    schemas: isObject(u.resource[ENTERPRISE_SCHEMA]) ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: u.id,
    userName,
    ...rest,
    active: u.active,
    meta: { resourceType: 'User', created: new Date(u.createdAt).toISOString(), lastModified: new Date(u.updatedAt).toISOString(), location: `${base}/Users/${u.id}` },
  };
}
