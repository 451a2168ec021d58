// JIT provisioning rows/s in the database, SQLite and PostgreSQL: provisionUser (license
// decision, seat reservation, user + identity + membership + decision + license in one
// transaction) vs the same five rows written with knex, one transaction per user.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Engine } from '../db/index.js';
import { provisionUser } from '../gateway/provisioning.js';
import { loadPolicies } from '../policies/load.js';
import { benchDatabase } from './lib/databases.js';
import type { Measurement } from './lib/report.js';
import { ACCOUNT, benchPolicies, log, type BenchConfig } from './lib/setup.js';
import { median } from './lib/stats.js';

const ROWS_PER_USER = 5;
const ISSUER = 'https://idp.bench.example';

/** The rows provisionUser writes for one JIT user, as plain single-row inserts in one transaction. */
async function rawInsert(knex: Knex, email: string, now: number): Promise<void> {
  await knex.transaction(async (tx) => {
    const userId = randomUUID();
    await tx('users').insert({ id: userId, account_id: ACCOUNT, email, email_lower: email.toLowerCase(), name: 'Bench', status: 'active', restricted: false, created_at: now, updated_at: now, last_active_at: null });
    await tx('identities').insert({ id: randomUUID(), user_id: userId, connection_id: 'bench', issuer: ISSUER, subject: email, created_at: now });
    await tx('team_memberships').insert({ user_id: userId, account_id: ACCOUNT, team_id: 'everyone', source: 'jit', created_at: now });
    const [decision] = await tx('license_decisions')
      .insert({ account_id: ACCOUNT, user_id: userId, email, route: 'jit', license: 'full', reason: 'standard-default-full', policy_version: 'bench', actor: null, decided_at: now })
      .returning('id');
    const decisionId = typeof decision === 'object' ? (decision as { id: number }).id : decision;
    await tx('licenses').insert({ user_id: userId, account_id: ACCOUNT, license: 'full', assigned_at: now, decision_id: decisionId });
  });
}

export async function provisioningBench(cfg: BenchConfig, engines: Engine[]): Promise<{ measurements: Measurement[]; missing: string[] }> {
  const n = cfg.quick ? 100 : 2_000;
  const dir = benchPolicies({ publicUrl: 'http://127.0.0.1:8080', upstreamUrl: 'http://127.0.0.1:9' });
  const loaded = loadPolicies(dir);
  if (!loaded.ok) throw new Error('bench policies must load');
  const policies = loaded.policies;
  const account = policies.account(ACCOUNT)!;
  const measurements: Measurement[] = [];
  const missing: string[] = [];
  for (const engine of ['sqlite', 'postgres'] as const) {
    if (!engines.includes(engine)) {
      missing.push(`JIT provisioning rows/s on ${engine}: the database was not reachable`);
      continue;
    }
    const bench = await benchDatabase(engine, policies);
    try {
      let seq = 0;
      const provision = async () => {
        const email = `jit${seq++}@acme.test`;
        const result = await provisionUser(bench.repos, policies, { account, teamId: 'everyone', route: 'jit', email, name: 'Bench', identity: { connectionId: 'bench', issuer: ISSUER, subject: email } });
        if (!result.ok) throw new Error(result.message);
      };
      const raw = async () => rawInsert(bench.db.knex, `raw${seq++}@acme.test`, Date.now());
      const rate = async (fn: () => Promise<void>) => {
        const started = performance.now();
        for (let i = 0; i < n; i++) await fn();
        return ((n * ROWS_PER_USER) / (performance.now() - started)) * 1000;
      };
      for (let i = 0; i < 20; i++) {
        await provision();
        await raw();
      }
      const runs: { figure: number; baseline: number }[] = [];
      for (let rep = 0; rep < cfg.reps; rep++) {
        // Alternate which goes first: both write into the same, growing tables.
        let figure: number;
        let baseline: number;
        if (rep % 2 === 0) {
          figure = await rate(provision);
          baseline = await rate(raw);
        } else {
          baseline = await rate(raw);
          figure = await rate(provision);
        }
        runs.push({ figure, baseline });
        log(`provisioning ${engine} rep ${rep + 1}: provisionUser ${figure.toFixed(0)} rows/s vs raw ${baseline.toFixed(0)} rows/s`);
      }
      measurements.push({
        name: `JIT provisioning rows/s, ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
        unit: 'rows/s',
        figure: median(runs.map((r) => r.figure)),
        baselineName: 'raw knex single-row inserts, one transaction per user',
        baseline: median(runs.map((r) => r.baseline)),
        target: { kind: 'ratio-min', value: 0.5 },
        runs,
        note: `${n} users per run, one after the other, ${ROWS_PER_USER} rows each (users, identities, team_memberships, license_decisions, licenses); provisionUser also reads and reserves the Full seat counter`,
      });
    } finally {
      await bench.dispose();
    }
  }
  return { measurements, missing };
}
