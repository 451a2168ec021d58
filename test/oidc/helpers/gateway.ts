// A real `doorman serve` process for the OIDC tests, on a port chosen first so that the
// providers' clients can register its callback URLs, and its SQLite file opened beside it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../../db/index.js';
import { serve, type Served } from '../../helpers/cli.js';
import { testAccount, writePolicies } from '../../helpers/policies.js';
import { CLIENT_SECRET } from './op.js';

export { freePort } from '../../helpers/ports.js';

export interface OidcConnectionSpec {
  id: string;
  issuer: string;
  /** Extra keys of the connection's oidc block. */
  oidc?: Record<string, unknown>;
  /** Extra keys of the connection itself. */
  more?: Record<string, unknown>;
}

export const oidcConnection = (spec: OidcConnectionSpec): Record<string, unknown> => ({
  id: spec.id,
  type: 'oidc',
  domains: ['acme.test'],
  jit: true,
  oidc: { issuer: spec.issuer, client_id: spec.id, client_secret: CLIENT_SECRET, ...spec.oidc },
  ...spec.more,
});

export interface TestGateway {
  url: string;
  served: Served;
  db: Database;
  /** Rows in the tables a login writes. */
  counts(): Promise<Record<'users' | 'identities' | 'sessions' | 'license_decisions', number>>;
  /** The reason codes the gateway logged so far. */
  reasons(): string[];
  stop(): Promise<void>;
}

export async function startGateway(port: number, connections: Record<string, unknown>[], env: NodeJS.ProcessEnv = {}, upstreamUrl = 'http://127.0.0.1:9'): Promise<TestGateway> {
  const url = `http://127.0.0.1:${port}`;
  const dir = writePolicies({ public_url: url, upstream_url: upstreamUrl }, [
    testAccount('acme', 'acme.test', { domains: [{ name: 'acme.test', control: 'off', verification: { method: 'manual', verified: true } }], connections }),
  ]);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'doorman-oidc-db-')), 'gw.sqlite');
  const served = await serve(['--policies', dir, '--db', `sqlite:${dbPath}`, '--port', String(port)], env);
  const db = await openDatabase(`sqlite:${dbPath}`);
  const count = async (table: string) => Number((await db.knex(table).count({ n: '*' }).first())?.n ?? 0);
  return {
    url,
    served,
    db,
    async counts() {
      return { users: await count('users'), identities: await count('identities'), sessions: await count('sessions'), license_decisions: await count('license_decisions') };
    },
    reasons: () =>
      served.logs.flatMap((line) => {
        const entry = JSON.parse(line) as { reason?: string };
        return entry.reason ? [entry.reason] : [];
      }),
    async stop() {
      await db.close();
      await served.stop();
    },
  };
}
