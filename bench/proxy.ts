// Authenticated proxied requests/s through the gateway vs a minimal node:http + undici
// proxy in front of the same upstream (and the upstream directly); CPU microseconds per
// proxied request of the gateway process vs the minimal proxy's, from /proc.
import { createTestSession } from '../test/helpers/session.js';
import { createRepositories, openDatabase, type Engine } from '../db/index.js';
import { load, type LoadResult } from './lib/load.js';
import { startGateway, startMinimalProxy, startUpstream, type Child } from './lib/processes.js';
import { cpuMicros } from './lib/proc.js';
import { monotonicUs, type Window } from './lib/profile.js';
import type { Measurement } from './lib/report.js';
import { freshDatabaseUrl } from './lib/databases.js';
import { ACCOUNT, benchPolicies, freePort, log, type BenchConfig } from './lib/setup.js';
import { median } from './lib/stats.js';

export interface ProxyFigures {
  measurements: Measurement[];
  upstreamRps: number;
  gatewayRps: number;
  minimalRps: number;
  gatewayCpuUs: number;
  /** The timed part, to cut a CPU profile to. */
  window: Window;
}

interface Target {
  /** gateway-pg: the same gateway on PostgreSQL, reported beside the targets (its session lookup is a round trip). */
  name: 'upstream' | 'minimal' | 'gateway' | 'gateway-pg';
  child: Child;
  headers: Record<string, string>;
}

/** One autocannon run against a target, with the target process's CPU time around it. */
async function measure(t: Target, seconds: number): Promise<LoadResult & { cpuUsPerRequest: number }> {
  const before = cpuMicros(t.child.pid);
  const result = await load({ url: `${t.child.url}/api/items`, run: { seconds }, connections: 32, headers: t.headers });
  const after = cpuMicros(t.child.pid);
  if (result.non2xx || result.errors) throw new Error(`${t.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { ...result, cpuUsPerRequest: (after - before) / result.requests };
}

export async function proxyBench(cfg: BenchConfig): Promise<ProxyFigures> {
  const seconds = cfg.quick ? 2 : 8;
  const started: Child[] = [];
  const disposals: (() => Promise<void>)[] = [];
  try {
    const upstream = await startUpstream();
    started.push(upstream);
    const minimal = await startMinimalProxy(upstream.url);
    started.push(minimal);
    const sqlite = await gatewayWithSession('sqlite', upstream.url, cfg.cpuProfDir);
    started.push(sqlite.gateway);
    const { gateway, cookie } = sqlite;

    const targets: Target[] = [
      { name: 'upstream', child: upstream, headers: {} },
      { name: 'minimal', child: minimal, headers: { cookie: `doorman_session=${cookie}` } },
      { name: 'gateway', child: gateway, headers: { cookie: `doorman_session=${cookie}` } },
    ];
    if (!cfg.cpuProfDir) {
      const pg = await gatewayWithSession('postgres', upstream.url).catch((err: Error) => {
        log(`proxy: no PostgreSQL gateway (${err.message})`);
        return undefined;
      });
      if (pg) {
        started.push(pg.gateway);
        disposals.push(pg.dispose);
        targets.push({ name: 'gateway-pg', child: pg.gateway, headers: { cookie: `doorman_session=${pg.cookie}` } });
      }
    }
    // Warm-up: JIT, connection pools, the session row in the page cache.
    for (const t of targets) await measure(t, 1);

    const runs: Record<Target['name'], (LoadResult & { cpuUsPerRequest: number })[]> = { upstream: [], minimal: [], gateway: [], 'gateway-pg': [] };
    const reps = cfg.cpuProfDir ? 1 : cfg.reps;
    const startUs = monotonicUs();
    for (let rep = 0; rep < reps; rep++) {
      // Rotate the order, so that no target always runs right after another.
      const order = targets.map((_, i) => targets[(i + rep) % targets.length]);
      for (const t of order) {
        if (cfg.cpuProfDir && t.name !== 'gateway') continue;
        runs[t.name].push(await measure(t, seconds));
      }
      if (!cfg.cpuProfDir) {
        log(`proxy rep ${rep + 1}: upstream ${runs.upstream[rep].requestsPerSecond.toFixed(0)}/s, minimal ${runs.minimal[rep].requestsPerSecond.toFixed(0)}/s (${runs.minimal[rep].cpuUsPerRequest.toFixed(0)} us), gateway ${runs.gateway[rep].requestsPerSecond.toFixed(0)}/s (${runs.gateway[rep].cpuUsPerRequest.toFixed(0)} us)${runs['gateway-pg'][rep] ? `, on PostgreSQL ${runs['gateway-pg'][rep].requestsPerSecond.toFixed(0)}/s (${runs['gateway-pg'][rep].cpuUsPerRequest.toFixed(0)} us)` : ''}`);
      }
    }
    const window = { startUs, endUs: monotonicUs() };
    const rps = (name: Target['name']) => median(runs[name].map((r) => r.requestsPerSecond));
    const cpu = (name: Target['name']) => median(runs[name].map((r) => r.cpuUsPerRequest));
    const pairs = (f: (r: LoadResult & { cpuUsPerRequest: number }) => number) => runs.gateway.map((g, i) => ({ figure: f(g), baseline: runs.minimal[i] ? f(runs.minimal[i]) : Number.NaN }));
    const upstreamRps = rps('upstream');
    const measurements: Measurement[] = [
      {
        name: 'authenticated proxied requests/s through the gateway',
        unit: 'req/s',
        figure: rps('gateway'),
        baselineName: 'minimal node:http + undici proxy',
        baseline: rps('minimal'),
        target: { kind: 'ratio-min', value: 0.8 },
        runs: pairs((r) => r.requestsPerSecond),
        note: `autocannon, 32 keep-alive connections, ${seconds} s per run, 11-byte JSON answers, the gateway on SQLite; the upstream directly: ${Math.round(upstreamRps).toLocaleString('en-US')} req/s; gateway p50/p99 latency ${median(runs.gateway.map((r) => r.p50Ms))}/${median(runs.gateway.map((r) => r.p99Ms))} ms, minimal proxy ${median(runs.minimal.map((r) => r.p50Ms))}/${median(runs.minimal.map((r) => r.p99Ms))} ms${onPostgres(runs['gateway-pg'])}`,
      },
      {
        name: 'CPU microseconds per proxied request (gateway process)',
        unit: 'us',
        figure: cpu('gateway'),
        baselineName: "minimal proxy's",
        baseline: cpu('minimal'),
        target: { kind: 'ratio-max', value: 1.5 },
        runs: pairs((r) => r.cpuUsPerRequest),
        note: 'utime + stime of the process from /proc/<pid>/stat around each run, divided by the requests it served (10 ms ticks)',
      },
    ];
    return { window, measurements, upstreamRps, gatewayRps: rps('gateway'), minimalRps: rps('minimal'), gatewayCpuUs: cpu('gateway') };
  } finally {
    for (const child of started.reverse()) await child.stop();
    for (const dispose of disposals) await dispose();
  }
}

/** The PostgreSQL gateway's figures for a note: its session lookup is a round trip per request. */
function onPostgres(runs: (LoadResult & { cpuUsPerRequest: number })[]): string {
  if (runs.length === 0) return '; no PostgreSQL gateway in this run';
  const rps = median(runs.map((r) => r.requestsPerSecond));
  const cpu = median(runs.map((r) => r.cpuUsPerRequest));
  return `; the same gateway on PostgreSQL: ${Math.round(rps).toLocaleString('en-US')} req/s, ${cpu.toFixed(0)} us CPU per request, p99 ${median(runs.map((r) => r.p99Ms))} ms`;
}

/** The gateway on a fresh database of its own (a SQLite file or a PostgreSQL schema), with a live session. */
async function gatewayWithSession(engine: Engine, upstreamUrl: string, cpuProfDir?: string): Promise<{ gateway: Child; cookie: string; dispose(): Promise<void> }> {
  const fresh = await freshDatabaseUrl(engine);
  try {
    const port = await freePort();
    const gateway = await startGateway({ policiesDir: benchPolicies({ publicUrl: `http://127.0.0.1:${port}`, upstreamUrl }), db: fresh.url, port, ...(cpuProfDir ? { cpuProfDir } : {}) });
    const opened = await openDatabase(fresh.url);
    try {
      const { cookie } = await createTestSession(createRepositories(opened.knex), { accountId: ACCOUNT, email: 'proxy-bench@acme.test', teams: ['everyone'] });
      return { gateway, cookie, dispose: fresh.dispose };
    } catch (err) {
      await gateway.stop();
      throw err;
    } finally {
      await opened.close();
    }
  } catch (err) {
    await fresh.dispose();
    throw err;
  }
}
