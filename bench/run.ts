// `npm run bench` (full: 5 repetitions) and `npm run bench -- --quick` (3 short ones, under
// two minutes): every measurement beside its baseline from the same run, the medians
// written to bench/RESULTS.md with the machine, per-core figures and the profile's hot spots.
// `--only=proxy,saml,oidc,provisioning,scim,memory,profile` runs a subset.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../db/index.js';
import { openDatabase } from '../db/index.js';
import { closeHttp } from './lib/http.js';
import { PG_URL } from './lib/databases.js';
import { machine } from './lib/machine.js';
import { summarizeProfile, type ProfileSummary, type Window } from './lib/profile.js';
import { fmt, metOf, ratioOf, renderReport, type Measurement, type Report } from './lib/report.js';
import { log, type BenchConfig } from './lib/setup.js';
import { memoryBench } from './memory.js';
import { oidcBench } from './oidc.js';
import { provisioningBench } from './provisioning.js';
import { proxyBench } from './proxy.js';
import { samlBench } from './saml.js';
import { scimBench } from './scim.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);
const cfg: BenchConfig = { quick, reps: quick ? 3 : 5 };
const started = performance.now();
const cores = machine().cores;

async function pgReachable(): Promise<boolean> {
  try {
    const db = await openDatabase(PG_URL, { poolMax: 1 });
    await db.close();
    return true;
  } catch {
    return false;
  }
}

/** Runs one part; a failure becomes a missing line, never the end of the run. */
async function part<T>(name: string, fn: () => Promise<T>, missing: string[]): Promise<T | undefined> {
  if (!wanted(name)) return undefined;
  log(`${name}...`);
  try {
    return await fn();
  } catch (err) {
    log(`${name} failed: ${(err as Error).stack ?? String(err)}`);
    missing.push(`${name}: the run failed (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

async function profiled(title: string, run: (cpuProfDir: string) => Promise<{ window: Window }>): Promise<{ title: string; summary: ProfileSummary | null; note?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-bench-prof-'));
  try {
    const { window } = await run(dir);
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader thread writes one too).
    const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
    if (!file) return { title, summary: null, note: 'the gateway wrote no profile' };
    return { title, summary: summarizeProfile(join(dir, file), 15, window), note: `Only the timed part (startup and module loading left out). Profile: ${join(dir, file)}` };
  } catch (err) {
    return { title, summary: null, note: `profiling failed: ${(err as Error).message}` };
  }
}

const missing: string[] = [];
const measurements: Measurement[] = [];
const load = loadavg()[0].toFixed(2);

const proxy = await part('proxy', () => proxyBench(cfg), missing);
if (proxy) measurements.push(...proxy.measurements);
const saml = await part('saml', () => samlBench(cfg), missing);
if (saml) measurements.push(...saml.measurements);
const oidc = await part('oidc', () => oidcBench(cfg), missing);
if (oidc) measurements.push(...oidc.measurements);
const engines: Engine[] = (await pgReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];
const provisioning = await part('provisioning', () => provisioningBench(cfg, engines), missing);
if (provisioning) {
  measurements.push(...provisioning.measurements);
  missing.push(...provisioning.missing);
}
const scim = await part('scim', () => scimBench(cfg), missing);
if (scim) {
  measurements.push(...scim.measurements);
  missing.push(...scim.missing);
}
const memory = await part('memory', () => memoryBench(cfg), missing);
if (memory) measurements.push(...memory);

const profiles: Report['profiles'] = [];
if (wanted('profile')) {
  log('profiling the gateway (proxy, SAML logins, OIDC callbacks)...');
  profiles.push(await profiled('Proxying authenticated requests', (dir) => proxyBench({ ...cfg, cpuProfDir: dir })));
  profiles.push(await profiled('SAML ACS logins (known users, then first logins)', (dir) => samlBench({ ...cfg, cpuProfDir: dir })));
  profiles.push(await profiled('OIDC callbacks (known user)', (dir) => oidcBench({ ...cfg, cpuProfDir: dir })));
}

const perCore: Report['perCore'] = [];
const perCpuSecond = (us: number | undefined) => (us ? 1e6 / us : null);
if (saml) {
  perCore.push({ name: 'SAML ACS logins, known users', perSecond: saml.knownLoginsPerSecond / cores, note: `throughput / ${cores} cores; ${fmt(perCpuSecond(saml.knownCpuUs))} per CPU-second of the gateway process (${fmt(saml.knownCpuUs)} us each)` });
  perCore.push({ name: 'SAML ACS first logins (JIT)', perSecond: saml.firstLoginsPerSecond / cores, note: `throughput / ${cores} cores; ${fmt(perCpuSecond(saml.firstCpuUs))} per CPU-second of the gateway process (${fmt(saml.firstCpuUs)} us each)` });
}
if (oidc) perCore.push({ name: 'OIDC callbacks, known user', perSecond: oidc.callbacksPerSecond / cores, note: `throughput / ${cores} cores; ${fmt(perCpuSecond(oidc.cpuUs))} per CPU-second of the gateway process (${fmt(oidc.cpuUs)} us each)` });
if (proxy) perCore.push({ name: 'authenticated proxied requests', perSecond: proxy.gatewayRps / cores, note: `throughput / ${cores} cores; ${fmt(perCpuSecond(proxy.gatewayCpuUs))} per CPU-second of the gateway process` });

const findings = measurements
  .filter((m) => metOf(m) === false)
  .map((m) => `target missed: ${m.name}: ${fmt(m.figure)} ${m.unit} vs ${fmt(m.baseline)} ${m.unit} (${ratioOf(m)?.toFixed(2) ?? 'n/a'} x); causes in bench/README.md (why the missed targets are missed), hot spots below`);

const report: Report = {
  date: new Date(),
  mode: quick ? 'quick' : 'full',
  repetitions: cfg.reps,
  machine: machine(),
  load,
  measurements,
  perCore,
  profiles,
  findings,
  missing,
  durationS: (performance.now() - started) / 1000,
};
const out = new URL('./RESULTS.md', import.meta.url).pathname;
if (only) log(`--only given: not writing ${out}`);
else writeFileSync(out, renderReport(report));
process.stdout.write(renderReport(report));
await closeHttp();
// The OpenID provider and keep-alive timers of the parts may linger: every child was stopped above.
process.exit(0);
