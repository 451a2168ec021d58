// A real `doorman serve` process with SAML connections to the test IdP, on a port
// chosen first (the ACS URL is part of what the IdP signs), and its SQLite file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../../db/index.js';
import { serve, type Served } from '../../helpers/cli.js';
import { testAccount, writePolicies } from '../../helpers/policies.js';

export const fixture = (name: string): string => new URL(`../../../fixtures/${name}`, import.meta.url).pathname;
export const pem = (name: string): string => readFileSync(fixture(name), 'utf8');

export { freePort } from '../../helpers/ports.js';

/** A SAML connection to the test IdP; `saml` adds or overrides keys of its saml block. */
export const samlConnection = (id: string, idp: { entityId: string; ssoUrl: string }, saml: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => ({
  id,
  type: 'saml',
  domains: ['acme.test'],
  jit: true,
  saml: { idp_entity_id: idp.entityId, sso_url: idp.ssoUrl, idp_certificates: [fixture('demo-idp/idp.crt')], name_attribute: 'displayName', groups_attribute: 'groups', ...saml },
  ...more,
});

export interface TestGateway {
  url: string;
  dbPath: string;
  policiesDir: string;
  served: Served;
  db: Database;
  counts(): Promise<Record<'users' | 'sessions' | 'license_decisions', number>>;
  /** The reason codes the gateway logged so far. */
  reasons(): string[];
  /** Resolves once the gateway logged `reason` (log lines arrive after the response), else throws. */
  logged(reason: string): Promise<void>;
  stop(): Promise<void>;
}

/** `publicUrl` and `dbPath` let a second process stand beside the first: same URL, same database. */
export async function startGateway(
  port: number,
  connections: Record<string, unknown>[],
  opts: { publicUrl?: string; dbPath?: string; upstreamUrl?: string } = {},
): Promise<TestGateway> {
  const url = `http://127.0.0.1:${port}`;
  const dbPath = opts.dbPath ?? join(mkdtempSync(join(tmpdir(), 'doorman-saml-db-')), 'gw.sqlite');
  const dir = writePolicies({ public_url: opts.publicUrl ?? url, upstream_url: opts.upstreamUrl ?? 'http://127.0.0.1:9' }, [
    testAccount('acme', 'acme.test', { domains: [{ name: 'acme.test', control: 'off', verification: { method: 'manual', verified: true } }], connections }),
  ]);
  const served = await serve(['--policies', dir, '--db', `sqlite:${dbPath}`, '--port', String(port)]);
  const db = await openDatabase(`sqlite:${dbPath}`);
  const count = async (table: string) => Number((await db.knex(table).count({ n: '*' }).first())?.n ?? 0);
  const reasons = () =>
    served.logs.flatMap((line) => {
      const entry = JSON.parse(line) as { reason?: string };
      return entry.reason ? [entry.reason] : [];
    });
  return {
    url,
    dbPath,
    policiesDir: dir,
    served,
    db,
    async counts() {
      return { users: await count('users'), sessions: await count('sessions'), license_decisions: await count('license_decisions') };
    },
    reasons,
    async logged(reason) {
      const end = Date.now() + 2000;
      while (!reasons().includes(reason)) {
        if (Date.now() > end) throw new Error(`the gateway did not log ${reason}; it logged ${reasons().join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      await db.close();
      await served.stop();
    },
  };
}
