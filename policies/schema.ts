// The policy files' schema, written once: TypeBox gives both the JSON Schema that
// ajv validates with (and that `npm run schema` publishes for editors) and the
// TypeScript types the rest of Doorman reads.
import { Type, type Static, type TSchema } from '@sinclair/typebox';


const slug = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', 'x-message': 'must be lowercase letters, digits and dashes (at most 63)', description: `${description} (lowercase letters, digits and dashes)` });

/** "90s", "30m", "12h", "14d" or a number of seconds. */
export const Duration = Type.Union([Type.String({ pattern: '^[0-9]+(s|m|h|d)$' }), Type.Integer({ minimum: 1 })], {
  'x-message': 'must be a duration such as 90s, 30m, 12h or 14d, or a number of seconds',
  description: 'A duration: a number of seconds, or a number followed by s, m, h or d ("30m", "12h", "14d")',
});

export const LICENSES = ['full', 'free', 'free_restricted'] as const;
export type License = (typeof LICENSES)[number];

export const DOMAIN_CONTROLS = ['off', 'request_access', 'auto_join', 'auto_join_exclusive'] as const;
export type DomainControl = (typeof DOMAIN_CONTROLS)[number];

/** A plain JSON Schema enum, which editors complete and ajv reports as one error. */
const enumOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

/** A secret: a literal hash, or a value given as a ${ENV_NAME} reference. */
const TokenEntry = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'What this token is for (shown in logs, never the token)' }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', 'x-message': 'must be 64 lowercase hex digits', description: 'Hex SHA-256 of the token' })),
    token: Type.Optional(Type.String({ minLength: 16, description: 'The token itself, as a ${ENV_NAME} reference' })),
  },
  { additionalProperties: false },
);
export type TokenEntry = Static<typeof TokenEntry>;

// ---------------------------------------------------------------- gateway.yaml

export const GatewayFile = Type.Object(
  {
    public_url: Type.String({ format: 'uri', description: 'The URL users reach the gateway at, e.g. https://app.example.com' }),
    upstream_url: Type.String({ format: 'uri', description: 'The application the gateway protects, e.g. http://127.0.0.1:3000' }),
    listen: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ default: '127.0.0.1', description: 'Interface to listen on' })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port (--port wins)' })),
        },
        { additionalProperties: false },
      ),
    ),
    session: Type.Optional(
      Type.Object(
        {
          cookie_name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]+$', 'x-message': 'may hold only letters, digits, _ and -', default: 'doorman_session' })),
          idle_timeout: Type.Optional({ ...Duration, default: '30m', description: 'A session unused this long ends' }),
          absolute_timeout: Type.Optional({ ...Duration, default: '12h', description: 'A session ends this long after login, used or not' }),
        },
        { additionalProperties: false },
      ),
    ),
    database: Type.Optional(
      Type.Object(
        {
          url: Type.Optional(Type.String({ description: 'sqlite:PATH or postgres://... (--db wins); default sqlite under data_dir' })),
          pool_max: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'PostgreSQL connections per process' })),
        },
        { additionalProperties: false },
      ),
    ),
    data_dir: Type.Optional(Type.String({ default: './data', description: 'Where the embedded SQLite database lives' })),
    smtp: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^smtps?://', 'x-message': 'must start with smtp:// or smtps://', description: 'smtp://host:port or smtps://host:port' }),
          from: Type.String({ minLength: 3, description: 'Sender of the mails Doorman sends' }),
          user: Type.Optional(Type.String()),
          password: Type.Optional(Type.String({ description: 'Use a ${ENV_NAME} reference' })),
        },
        { additionalProperties: false },
      ),
    ),
    admin_tokens: Type.Optional(Type.Array(TokenEntry, { description: 'Bearer tokens for /admin/api automation' })),
    identity: Type.Optional(
      Type.Object(
        {
          signing_key: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'EC P-256 private key (PEM, or a path to a PEM file) that signs X-Doorman-Assertion; default: one generated under data_dir. Give every process the same key.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    proxy: Type.Optional(
      Type.Object(
        {
          connect_timeout: Type.Optional({ ...Duration, default: '5s', description: 'Upstream connect timeout (then 502)' }),
          response_timeout: Type.Optional({ ...Duration, default: '60s', description: 'Upstream response headers timeout (then 504)' }),
        },
        { additionalProperties: false },
      ),
    ),
    dns_servers: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Resolvers for `doorman domains verify` (host or host:port); default: the system resolver' }),
    ),
    rate_limits: Type.Optional(
      Type.Object(
        {
          signup: Type.Optional(
            Type.Object(
              {
                per_address: Type.Optional(Type.Integer({ minimum: 1, default: 5, description: 'Sign-up mails per email address per window' })),
                per_client: Type.Optional(Type.Integer({ minimum: 1, default: 30, description: 'Sign-up requests per client IP per window' })),
                window: Type.Optional({ ...Duration, default: '1h' }),
              },
              { additionalProperties: false },
            ),
          ),
          login: Type.Optional(
            Type.Object(
              {
                per_client: Type.Optional(Type.Integer({ minimum: 1, default: 300, description: 'Login requests (POST /sso/login, SAML/OIDC login, ACS, callback) per client IP per window' })),
                window: Type.Optional({ ...Duration, default: '1m' }),
              },
              { additionalProperties: false },
            ),
          ),
          scim: Type.Optional(
            Type.Object(
              {
                per_token: Type.Optional(Type.Integer({ minimum: 1, default: 600, description: 'SCIM requests per bearer token per window' })),
                window: Type.Optional({ ...Duration, default: '1m' }),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false, description: 'Limits counted in the database, shared by every gateway process (429 with Retry-After)' },
      ),
    ),
    shutdown_timeout: Type.Optional({ ...Duration, default: '10s', description: 'On SIGTERM: how long in-flight requests and proxied streams may take to finish before they are cut' }),
    metrics: Type.Optional(
      Type.Object(
        {
          allow: Type.Optional(
            Type.Array(Type.String({ pattern: '^[0-9a-fA-F:.]+(/[0-9]{1,3})?$', 'x-message': 'must be an IP address or a CIDR such as 10.0.0.0/8' }), { description: 'Client addresses (IP or CIDR) allowed to read /metrics; default: loopback only. [] turns /metrics off' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    webhooks: Type.Optional(
      Type.Object(
        {
          retry_backoff: Type.Optional({ ...Duration, default: '30s', description: 'Wait before the first retry of a failed request-management webhook; doubled at each failure' }),
          retry_backoff_max: Type.Optional({ ...Duration, default: '1h', description: 'The longest wait between two retries (retries never stop)' }),
          poll_interval: Type.Optional({ ...Duration, default: '5s', description: 'How often the outbox and the daily digests are looked at' }),
        },
        { additionalProperties: false, description: 'Delivery of request-management webhooks (the outbox) and digests' },
      ),
    ),
    restrictions: Type.Optional(
      Type.Object(
        {
          account_creation: Type.Optional(
            Type.Array(Type.String({ pattern: '^(GET|POST|PUT|PATCH|DELETE) /', 'x-message': 'must be METHOD /path, e.g. POST /signup' }), {
              description: 'Upstream routes that create accounts: refused (403) for users captured by an auto_join_exclusive domain',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'https://doorman.dev/schema/gateway.json', title: 'Doorman gateway.yaml' },
);
export type GatewayFile = Static<typeof GatewayFile>;

// ---------------------------------------------------------------- account files

const Team = Type.Object(
  {
    id: slug('Team id'),
    name: Type.String({ minLength: 1 }),
    default: Type.Optional(Type.Boolean({ default: false, description: 'New users land here; exactly one team is the default' })),
  },
  { additionalProperties: false },
);

const Domain = Type.Object(
  {
    name: Type.String({ pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$', 'x-message': 'must be a lowercase domain name such as example.com', description: 'A lowercase domain name' }),
    control: Type.Optional(
      enumOf(DOMAIN_CONTROLS, 'What happens to new users of this domain: off, request_access, auto_join, auto_join_exclusive'),
    ),
    verification: Type.Object(
      {
        method: enumOf(['dns', 'manual'] as const, 'dns: a TXT record doorman-verification=<token>; manual: an operator vouches'),
        token: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}$', 'x-message': 'must be 16 to 128 letters, digits, _ or -', description: 'The TXT record value after doorman-verification=' })),
        verified: Type.Optional(Type.Boolean({ description: 'manual only: the operator marks the domain verified' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const Saml = Type.Object(
  {
    sp_entity_id: Type.Optional(Type.String({ minLength: 1, description: "This SP's entity ID (default: <public_url>/sso/saml/<id>/metadata)" })),
    idp_entity_id: Type.Optional(Type.String({ minLength: 1, description: "The IdP's entity ID (the Assertion Issuer); required unless idp_metadata gives it" })),
    sso_url: Type.Optional(Type.String({ format: 'uri', description: "The IdP's SSO URL (HTTP-Redirect binding); required unless idp_metadata gives it" })),
    slo_url: Type.Optional(Type.String({ format: 'uri', description: "The IdP's Single Logout URL (HTTP-Redirect binding); none: logout stays local" })),
    idp_certificates: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'PEM certificates (or file paths) trusted for signatures; several during a rotation; required unless idp_metadata gives them',
      }),
    ),
    idp_metadata: Type.Optional(
      Type.Object(
        {
          file: Type.Optional(Type.String({ minLength: 1, description: 'IdP metadata XML file (relative to the policies folder)' })),
          url: Type.Optional(Type.String({ format: 'uri', description: 'IdP metadata URL, fetched at the first login and refreshed' })),
          refresh: Type.Optional({ ...Duration, default: '24h', description: 'How often the metadata is read again' }),
        },
        { additionalProperties: false, description: 'Read the IdP entity ID, SSO/SLO URLs and signing certificates from metadata; keys set here win' },
      ),
    ),
    want_assertions_signed: Type.Optional(Type.Boolean({ default: true, description: 'The assertion itself must be signed' })),
    want_response_signed: Type.Optional(Type.Boolean({ default: false, description: 'The whole Response must be signed' })),
    sign_requests: Type.Optional(Type.Boolean({ default: false, description: 'Sign AuthnRequests and LogoutRequests with sp_signing_key' })),
    sp_signing_key: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key, file path or ${ENV_NAME}: signs requests' })),
    sp_signing_cert: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate or file path of sp_signing_key (published in the metadata)' })),
    sp_decryption_key: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key, file path or ${ENV_NAME}: decrypts EncryptedAssertions' })),
    sp_decryption_cert: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate or file path of sp_decryption_key (published in the metadata)' })),
    idp_initiated: Type.Optional(Type.Boolean({ default: false, description: 'Accept unsolicited (IdP-initiated) Responses' })),
    allow_sha1: Type.Optional(Type.Boolean({ default: false, description: 'Accept RSA-SHA1 signatures and SHA-1 digests (legacy IdPs only)' })),
    clock_skew: Type.Optional({ ...Duration, default: '60s', description: 'Tolerance on NotBefore / NotOnOrAfter' }),
    email_attribute: Type.Optional(Type.String({ minLength: 1, description: 'Attribute holding the email (default: the NameID when its format is emailAddress)' })),
    name_attribute: Type.Optional(Type.String({ minLength: 1, description: 'Attribute holding the display name' })),
    groups_attribute: Type.Optional(Type.String({ minLength: 1, description: 'Attribute holding the IdP groups (for groups_to_teams)' })),
    max_body: Type.Optional(Type.Integer({ minimum: 1024, default: 262144, description: 'Largest ACS / SLO POST body accepted, in bytes' })),
  },
  { additionalProperties: false },
);

/** Asymmetric JWS algorithms only: never `none`, never HS* (an HMAC keyed with a public key). */
export const OIDC_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const Oidc = Type.Object(
  {
    issuer: Type.String({ format: 'uri', description: 'The issuer URL; discovery reads <issuer>/.well-known/openid-configuration' }),
    client_id: Type.String({ minLength: 1 }),
    client_secret: Type.Optional(Type.String({ description: 'Use a ${ENV_NAME} reference' })),
    scopes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$', 'x-message': 'must be one scope without spaces' }), {
        default: ['openid', 'email', 'profile'],
        description: 'Scopes requested; openid is always added',
      }),
    ),
    id_token_signed_response_alg: Type.Optional(
      enumOf(OIDC_SIGNING_ALGS, 'The one algorithm ID tokens must be signed with (default RS256); none and HS* are never accepted'),
    ),
    trust_unverified_email: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Use the email even when email_verified is not true. Risky: anyone who can set an unverified email at the provider could claim a colleague\'s address',
      }),
    ),
    allowed_tenants: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Entra ID multi-tenant issuers: the tenant ids (tid) accepted; required for a {tenantid} issuer',
      }),
    ),
    email_claim: Type.Optional(Type.String({ minLength: 1, default: 'email', description: 'Claim holding the email' })),
    name_claim: Type.Optional(Type.String({ minLength: 1, default: 'name', description: 'Claim holding the display name' })),
    groups_claim: Type.Optional(Type.String({ minLength: 1, default: 'groups', description: 'Claim holding the groups (an array of strings)' })),
    use_userinfo: Type.Optional(
      Type.Boolean({ default: false, description: 'Read the claims from the userinfo endpoint as well (its values win over the ID token)' }),
    ),
  },
  { additionalProperties: false },
);

const Connection = Type.Object(
  {
    id: slug('Connection id, unique across all accounts (it is part of the URLs)'),
    type: enumOf(['saml', 'oidc'] as const, 'saml or oidc'),
    domains: Type.Array(Type.String(), { minItems: 1, description: 'Email domains that sign in through this connection' }),
    jit: Type.Optional(Type.Boolean({ default: false, description: 'Create unknown users at their first login' })),
    team: Type.Optional(slug('Team that JIT users join (default: the account default team)')),
    allow_outside_domains: Type.Optional(
      Type.Boolean({ default: false, description: "Accept emails outside this connection's domains" }),
    ),
    profile_sync: Type.Optional(enumOf(['on_each_login', 'on_first_login'] as const, 'When name, email and groups are copied from the IdP')),
    groups_to_teams: Type.Optional(Type.Record(Type.String(), slug('Team id'), { description: 'IdP group -> team id' })),
    saml: Type.Optional(Saml),
    oidc: Type.Optional(Oidc),
    scim: Type.Optional(
      Type.Object({ tokens: Type.Array(TokenEntry, { minItems: 1 }) }, { additionalProperties: false, description: 'SCIM bearer tokens' }),
    ),
  },
  { additionalProperties: false },
);

export const AccountFile = Type.Object(
  {
    id: slug('Account id'),
    name: Type.String({ minLength: 1 }),
    licensing: Type.Object(
      {
        program: enumOf(['standard', 'flexible'] as const, 'standard or flexible (the flexible licensing program)'),
        seats: Type.Object({ full: Type.Integer({ minimum: 0, description: 'Full seats bought' }) }, { additionalProperties: false }),
        default_license: Type.Optional(
          enumOf(['free', 'free_restricted'] as const, 'flexible only: the license new users get (free or free_restricted)'),
        ),
      },
      { additionalProperties: false },
    ),
    teams: Type.Array(Team, { minItems: 1 }),
    domains: Type.Optional(Type.Array(Domain)),
    connections: Type.Optional(Type.Array(Connection)),
    admins: Type.Optional(
      Type.Object(
        {
          emails: Type.Optional(Type.Array(Type.String({ format: 'email' }))),
          groups: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        },
        { additionalProperties: false, description: 'Who administers this account: by email or by IdP group' },
      ),
    ),
    invitations: Type.Optional(
      Type.Object(
        {
          who_may_invite: Type.Optional(enumOf(['admins', 'members'] as const, 'admins only, or every member too')),
          expire_after: Type.Optional({ ...Duration, default: '14d' }),
        },
        { additionalProperties: false },
      ),
    ),
    request_management: Type.Optional(
      Type.Object(
        {
          mode: enumOf(['email', 'webhook', 'digest', 'none'] as const, 'How admins hear of license and access requests'),
          recipients: Type.Optional(Type.Array(Type.String({ format: 'email' }))),
          webhook: Type.Optional(
            Type.Object(
              {
                url: Type.String({ format: 'uri' }),
                secret: Type.String({ minLength: 16, description: 'HMAC key; use a ${ENV_NAME} reference' }),
              },
              { additionalProperties: false },
            ),
          ),
          digest_hour_utc: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 23, default: 8, description: 'digest mode: the hour (UTC) after which the daily digest of open requests is mailed' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    usage: Type.Optional(
      Type.Object(
        {
          idle_full_after_days: Type.Optional(
            Type.Integer({ minimum: 1, default: 30, description: 'Full users inactive this many days are listed as candidates to reclaim' }),
          ),
        },
        { additionalProperties: false, description: 'License usage reports' },
      ),
    ),
  },
  { additionalProperties: false, $id: 'https://doorman.dev/schema/account.json', title: 'Doorman account policy' },
);
export type AccountFile = Static<typeof AccountFile>;
export type Connection = Static<typeof Connection>;
export type Domain = Static<typeof Domain>;
export type Team = Static<typeof Team>;

export const SCHEMAS: Record<'gateway' | 'account', TSchema> = { gateway: GatewayFile, account: AccountFile };
