// Resident memory of the gateway with 100,000 live sessions: the session rows written
// straight into its database (as 100,000 logins would leave them), then requests with
// many of those cookies; VmRSS compared with the same gateway idle.
import { createHash, randomBytes } from 'node:crypto';
import { createRepositories, openDatabase } from '../db/index.js';
import { createTestSession } from '../test/helpers/session.js';
import { load } from './lib/load.js';
import { startGateway, startUpstream, type Gateway } from './lib/processes.js';
import { rssBytes } from './lib/proc.js';
import type { Measurement } from './lib/report.js';
import { ACCOUNT, benchPolicies, freePort, log, sqliteUrl, type BenchConfig } from './lib/setup.js';

const SESSIONS = 100_000;
const USERS = 100;
const MB = 1024 * 1024;

export async function memoryBench(cfg: BenchConfig): Promise<Measurement[]> {
  const requests = cfg.quick ? 20_000 : 100_000;
  const upstream = await startUpstream();
  try {
    const port = await freePort();
    const db = sqliteUrl();
    const gateway = await startGateway({ policiesDir: benchPolicies({ publicUrl: `http://127.0.0.1:${port}`, upstreamUrl: upstream.url }), db, port });
    try {
      return await measureMemory(gateway, db, requests);
    } finally {
      await gateway.stop();
    }
  } finally {
    await upstream.stop();
  }
}

async function measureMemory(gateway: Gateway, db: string, requests: number): Promise<Measurement[]> {
  const opened = await openDatabase(db);
  const repos = createRepositories(opened.knex);
  const now = Date.now();
  const users: string[] = [];
  for (let i = 0; i < USERS; i++) users.push((await createTestSession(repos, { accountId: ACCOUNT, email: `mem${i}@acme.test`, teams: ['everyone'] }, now)).userId);
  const cookies: string[] = [];
  const batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (batch.length) await opened.knex.batchInsert('sessions', batch.splice(0), 500);
  };
  for (let i = 0; i < SESSIONS; i++) {
    const cookie = randomBytes(32).toString('base64url');
    cookies.push(cookie);
    const email = `mem${i % USERS}@acme.test`;
    const data = { email, name: null, license: 'full', teams: ['everyone'], groups: [], restricted: false, connectionId: null };
    batch.push({ id_hash: createHash('sha256').update(cookie).digest('hex'), user_id: users[i % USERS], account_id: ACCOUNT, created_at: now, last_seen_at: now, expires_at: now + 6 * 3_600_000, data: JSON.stringify(data) });
    if (batch.length >= 10_000) await flush();
  }
  await flush();
  await opened.close();

  // Idle: started, a few requests served (code paths loaded), then left alone a moment.
  await load({ url: `${gateway.url}/app`, run: { amount: 500 }, connections: 8, headers: { cookie: `doorman_session=${cookies[0]}` } });
  await new Promise((r) => setTimeout(r, 1000));
  const idle = rssBytes(gateway.pid);

  let next = 0;
  const result = await load({
    url: `${gateway.url}/app`,
    run: { amount: requests },
    connections: 32,
    setupRequest: (req) => ({ ...req, headers: { ...req.headers, cookie: `doorman_session=${cookies[(next++ * 7919) % SESSIONS]}` } }),
  });
  if (result.non2xx || result.errors) throw new Error(`memory run: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const loaded = rssBytes(gateway.pid);
  log(`memory: idle ${(idle / MB).toFixed(0)} MB, after ${requests} requests over ${Math.min(requests, SESSIONS)} sessions ${(loaded / MB).toFixed(0)} MB`);
  return [
    {
      name: 'resident memory with 100,000 live sessions',
      unit: 'MB',
      figure: loaded / MB,
      baselineName: 'the idle gateway',
      baseline: idle / MB,
      target: { kind: 'delta-max', value: 200 },
      note: `${SESSIONS.toLocaleString('en-US')} session rows (${USERS} users) in SQLite, ${requests.toLocaleString('en-US')} proxied requests each with a different cookie (every session once in the full run); VmRSS after the requests vs before; one run (memory is not a rate)`,
    },
  ];
}
