// OIDC callbacks/s through the gateway (code redemption + ID token verification + login
// of a known user + session) against a loopback oidc-provider, vs openid-client's
// authorizationCodeGrant alone in a process of its own against the same provider.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as client from 'openid-client';
import { Browser } from '../test/oidc/helpers/browser.js';
import { CLIENT_SECRET, opClient, startOp, type TestOp } from '../test/oidc/helpers/op.js';
import { get } from './lib/http.js';
import type { BaselineItem, BaselineJob } from './lib/oidc-baseline-client.js';
import { startGateway } from './lib/processes.js';
import { cpuMicros } from './lib/proc.js';
import { monotonicUs, type Window } from './lib/profile.js';
import type { Measurement } from './lib/report.js';
import { benchPolicies, freePort, log, sqliteUrl, type BenchConfig } from './lib/setup.js';
import { drive, median } from './lib/stats.js';

const CONNECTION = 'bench-oidc';
const BASELINE_CLIENT = 'bench-baseline';
const BASELINE_REDIRECT = 'http://127.0.0.1:9/cb';
const USER = { email: 'oidc-known@acme.test', email_verified: true, name: 'Known User' };

export interface OidcFigures {
  measurements: Measurement[];
  callbacksPerSecond: number;
  /** CPU time of the gateway process per callback, microseconds. */
  cpuUs: number;
  /** The timed callbacks of the last run, to cut a CPU profile to. */
  window: Window;
}

async function runBaseline(job: BaselineJob): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./lib/oidc-baseline-client.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(job));
  let result: number | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('RESULT ')) result = Number(line.slice(7));
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || result === undefined) throw new Error(`the OIDC baseline exited with ${code}`);
  return result;
}

export async function oidcBench(cfg: BenchConfig): Promise<OidcFigures> {
  // Authorization codes live 60 s at oidc-provider: each batch is minted right before it is used.
  const n = cfg.quick ? 30 : 150;
  const concurrency = 4;
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const op: TestOp = await startOp({ clients: [opClient(CONNECTION, `${publicUrl}/sso/oidc/${CONNECTION}/callback`), opClient(BASELINE_CLIENT, BASELINE_REDIRECT)] });
  op.loginAs('known', USER);
  const policiesDir = benchPolicies({
    publicUrl,
    upstreamUrl: 'http://127.0.0.1:9',
    connections: [{ id: CONNECTION, type: 'oidc', domains: ['acme.test'], jit: true, oidc: { issuer: op.issuer, client_id: CONNECTION, client_secret: CLIENT_SECRET } }],
  });
  const gateway = await startGateway({ policiesDir, db: sqliteUrl(), port, ...(cfg.cpuProfDir ? { cpuProfDir: cfg.cpuProfDir } : {}) });
  try {
    const baseConfig = await client.discovery(new URL(op.issuer), BASELINE_CLIENT, {}, client.ClientSecretBasic(CLIENT_SECRET), { execute: [client.allowInsecureRequests] });
    /** A gateway callback URL carrying a fresh code (the login started at the gateway). */
    const mintGateway = async (): Promise<string> => {
      const browser = new Browser();
      const start = await browser.get(`${publicUrl}/sso/oidc/${CONNECTION}/login`);
      const { stoppedAt } = await browser.follow(start.location ?? '', (u) => u.startsWith(publicUrl));
      if (!stoppedAt) throw new Error('the provider did not send the browser back to the gateway');
      return stoppedAt;
    };
    const mintBaseline = async (): Promise<BaselineItem> => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(baseConfig, {
        redirect_uri: BASELINE_REDIRECT,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const { stoppedAt } = await new Browser().follow(url.href, (u) => u.startsWith(BASELINE_REDIRECT));
      if (!stoppedAt) throw new Error('the provider did not redirect to the baseline client');
      return { callback: stoppedAt, verifier, state, nonce };
    };
    const mintMany = async <T>(count: number, mint: () => Promise<T>): Promise<T[]> => {
      const out: T[] = [];
      await drive(count, 4, async () => void out.push(await mint()));
      return out;
    };
    const callback = async (url: string) => {
      const answer = await get(url);
      if (answer.status !== 302 || !answer.setCookie.some((c) => c.startsWith('doorman_session='))) throw new Error(`callback answered ${answer.status} ${answer.location ?? ''}`);
    };

    // The known user signs in once (JIT), untimed; warm-up.
    for (const url of await mintMany(5, mintGateway)) await callback(url);

    const runs: { figure: number; baseline: number }[] = [];
    const cpuUs: number[] = [];
    const reps = cfg.cpuProfDir ? 1 : cfg.reps;
    let window: Window = { startUs: 0, endUs: 0 };
    for (let rep = 0; rep < reps; rep++) {
      const urls = await mintMany(n, mintGateway);
      const before = cpuMicros(gateway.pid);
      const startUs = monotonicUs();
      const figure = (n / (await drive(n, concurrency, (i) => callback(urls[i])))) * 1000;
      window = { startUs, endUs: monotonicUs() };
      cpuUs.push((cpuMicros(gateway.pid) - before) / n);
      let baseline = Number.NaN;
      if (!cfg.cpuProfDir) {
        const warmup = await mintMany(5, mintBaseline);
        const items = await mintMany(n, mintBaseline);
        baseline = (n / (await runBaseline({ issuer: op.issuer, clientId: BASELINE_CLIENT, clientSecret: CLIENT_SECRET, concurrency, warmup, items }))) * 1000;
        log(`oidc rep ${rep + 1}: gateway ${figure.toFixed(1)} callbacks/s vs bare ${baseline.toFixed(1)}/s`);
      }
      runs.push({ figure, baseline });
    }
    const figure = median(runs.map((r) => r.figure));
    return {
      callbacksPerSecond: figure,
      cpuUs: median(cpuUs),
      window,
      measurements: [
        {
          name: 'OIDC callbacks/s against a loopback provider (known user)',
          unit: '/s',
          figure,
          baselineName: 'openid-client authorizationCodeGrant alone',
          baseline: median(runs.map((r) => r.baseline)),
          target: { kind: 'ratio-min', value: 0.7 },
          runs,
          note: `${n} callbacks per run, ${concurrency} in flight; oidc-provider in the bench process, the gateway and the baseline client each in a process of their own; both verify the RS256 ID token against the JWKS`,
        },
      ],
    };
  } finally {
    await gateway.stop();
    await op.close();
  }
}
