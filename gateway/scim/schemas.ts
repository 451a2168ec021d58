// The SCIM schemas Doorman serves (RFC 7643 sections 4, 7 and 8.7): the attribute
// definitions that normalize what IdPs send and that /Schemas publishes.

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SP_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export type AttrType = 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server';
  subAttributes?: AttrDef[];
}

type Options = Partial<Omit<AttrDef, 'name' | 'type' | 'subAttributes'>>;

const attr = (name: string, type: AttrType = 'string', o: Options = {}, subAttributes?: AttrDef[]): AttrDef => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...o,
  ...(subAttributes ? { subAttributes } : {}),
});

const strings = (...names: string[]) => names.map((n) => attr(n));
const multi = (name: string, subs: AttrDef[]) => attr(name, 'complex', { multiValued: true }, subs);
const typedValues = (...extra: AttrDef[]) => [attr('value'), attr('display'), attr('type'), attr('primary', 'boolean'), ...extra];

export const USER_ATTRIBUTES: AttrDef[] = [
  attr('userName', 'string', { required: true, uniqueness: 'server' }),
  attr('name', 'complex', {}, strings('formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix')),
  ...strings('displayName', 'nickName'),
  attr('profileUrl', 'reference'),
  ...strings('title', 'userType', 'preferredLanguage', 'locale', 'timezone'),
  attr('active', 'boolean'),
  attr('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
  multi('emails', typedValues()),
  multi('phoneNumbers', typedValues()),
  multi('ims', typedValues()),
  multi('photos', typedValues()),
  multi('addresses', [...strings('formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'), attr('primary', 'boolean')]),
  multi('entitlements', typedValues()),
  multi('roles', typedValues()),
  multi('x509Certificates', typedValues()),
];

export const ENTERPRISE_ATTRIBUTES: AttrDef[] = [
  ...strings('employeeNumber', 'costCenter', 'organization', 'division', 'department'),
  attr('manager', 'complex', {}, [attr('value', 'string', { caseExact: true }), attr('$ref', 'reference'), attr('displayName', 'string', { mutability: 'readOnly' })]),
];

export const GROUP_ATTRIBUTES: AttrDef[] = [
  attr('displayName', 'string', { required: true, uniqueness: 'server' }),
  multi('members', [attr('value', 'string', { caseExact: true, mutability: 'immutable' }), attr('$ref', 'reference', { mutability: 'immutable' }), attr('display', 'string', { mutability: 'readOnly' }), attr('type', 'string', { mutability: 'immutable' })]),
];

/** externalId is common to every resource (RFC 7643 3.1). */
export const EXTERNAL_ID = attr('externalId', 'string', { caseExact: true });

const schema = (id: string, name: string, description: string, attributes: AttrDef[]) => ({
  schemas: [SCHEMA_SCHEMA],
  id,
  name,
  description,
  attributes,
  meta: { resourceType: 'Schema', location: `/Schemas/${id}` },
});

export const SCHEMAS = [
  schema(USER_SCHEMA, 'User', 'User Account', USER_ATTRIBUTES),
  schema(ENTERPRISE_SCHEMA, 'EnterpriseUser', 'Enterprise User', ENTERPRISE_ATTRIBUTES),
  schema(GROUP_SCHEMA, 'Group', 'Group (a Doorman team when its name or groups_to_teams maps it to one)', GROUP_ATTRIBUTES),
];

export const RESOURCE_TYPES = [
  {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: '/ResourceTypes/User' },
  },
  {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
    meta: { resourceType: 'ResourceType', location: '/ResourceTypes/Group' },
  },
];

export const MAX_RESULTS = 200;
export const MAX_BODY_BYTES = 1024 * 1024;

export const SERVICE_PROVIDER_CONFIG = {
  schemas: [SP_CONFIG_SCHEMA],
  documentationUri: 'https://github.com/doorman/doorman#scim',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_RESULTS },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'A token of the connection (scim.tokens in its policy)', primary: true }],
  meta: { resourceType: 'ServiceProviderConfig', location: '/ServiceProviderConfig' },
};
