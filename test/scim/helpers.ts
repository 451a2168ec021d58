// A real gateway with SCIM connections, on each engine, and a client for it.
import { createHash } from 'node:crypto';
import { openDatabase, type Database } from '../../db/index.js';
import { serve, type Served } from '../helpers/cli.js';
import { gatewayDb, type GatewayDb } from '../helpers/gateway-db.js';
import { testAccount, writePolicies } from '../helpers/policies.js';

export const PUBLIC = 'http://gateway.test';
export const TOKEN = 'scim-token-of-acme-okta-0123456789';
export const NEXT_TOKEN = 'scim-token-of-acme-okta-rotated-987';
export const OTHER_TOKEN = 'scim-token-of-globex-entra-abcdefgh';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const verified = (name: string) => ({ name, control: 'off', verification: { method: 'manual', verified: true } });
const saml = { idp_entity_id: 'http://idp.test', sso_url: 'http://idp.test/sso', idp_certificates: ['fixtures/demo-idp/idp.crt'] };

export interface ScimGateway {
  gw: Served;
  db: Database;
  gwDb: GatewayDb;
  close(): Promise<void>;
}

export async function startScimGateway(engine: 'sqlite' | 'postgres', more: { perToken?: number; seats?: number } = {}): Promise<ScimGateway> {
  const domains = ['acme.test', 'example.com', 'contoso.com', 'onelogin.test'];
  const policies = writePolicies(
    { public_url: PUBLIC, upstream_url: 'http://127.0.0.1:9', rate_limits: { scim: { per_token: more.perToken ?? 100_000, window: '1m' } } },
    [
      testAccount('acme', 'acme.test', {
        licensing: { program: 'standard', seats: { full: more.seats ?? 100 } },
        teams: [
          { id: 'everyone', name: 'Everyone', default: true },
          { id: 'engineering', name: 'Engineering' },
          { id: 'sales', name: 'Sales' },
        ],
        domains: domains.map(verified),
        connections: [
          { id: 'acme-okta', type: 'saml', domains, saml: { ...saml, idp_certificates: [new URL('../../fixtures/demo-idp/idp.crt', import.meta.url).pathname] }, groups_to_teams: { 'Dev Team': 'engineering' }, scim: { tokens: [{ name: 'okta', sha256: sha(TOKEN) }, { name: 'okta-next', sha256: sha(NEXT_TOKEN) }] } },
        ],
      }),
      testAccount('globex', 'globex.test', {
        connections: [{ id: 'globex-entra', type: 'saml', domains: ['globex.test'], saml: { ...saml, idp_certificates: [new URL('../../fixtures/demo-idp/idp.crt', import.meta.url).pathname] }, scim: { tokens: [{ name: 'entra', sha256: sha(OTHER_TOKEN) }] } }],
      }),
    ],
  );
  const gwDb = await gatewayDb(engine);
  const gw = await serve(['--policies', policies, '--db', gwDb.url]);
  const db = await openDatabase(gwDb.url);
  return {
    gw,
    db,
    gwDb,
    async close() {
      await gw.stop();
      await db.close();
      await gwDb.dispose();
    },
  };
}

export interface ScimResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[] };
}

export async function scim(gw: Served, method: string, path: string, body?: unknown, options: { token?: string; connection?: string; raw?: string; contentType?: string } = {}): Promise<ScimResponse> {
  const res = await fetch(`${gw.url}/scim/v2/${options.connection ?? 'acme-okta'}${path}`, {
    method,
    headers: { authorization: `Bearer ${options.token ?? TOKEN}`, 'content-type': options.contentType ?? 'application/scim+json' },
    body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as ScimResponse['body']) : {} };
}
