// SAML ACS logins/s through the gateway (IdP-initiated, HTTP-POST binding), for known
// users (verify + session + redirect) and first logins (verify + JIT provisioning +
// session), vs bare node-saml validatePostResponseAsync calls/s on the same responses.
import { DemoIdp, type IdpUser } from '../fixtures/demo-idp/idp.js';
import { samlConnection as samlSettings } from '../gateway/saml/connection-config.js';
import { nodeSaml } from '../gateway/saml/node-saml.js';
import { loadPolicies } from '../policies/load.js';
import { get, postForm } from './lib/http.js';
import { startGateway } from './lib/processes.js';
import { cpuMicros } from './lib/proc.js';
import { monotonicUs, type Window } from './lib/profile.js';
import type { Measurement } from './lib/report.js';
import { benchPolicies, freePort, log, sqliteUrl, type BenchConfig } from './lib/setup.js';
import { drive, median } from './lib/stats.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const CONNECTION = 'bench-saml';
const IDP_ORIGIN = 'http://127.0.0.1:9';

export interface SamlFigures {
  measurements: Measurement[];
  knownLoginsPerSecond: number;
  firstLoginsPerSecond: number;
  /** CPU time of the gateway process per login, microseconds. */
  knownCpuUs: number;
  firstCpuUs: number;
  /** The timed part, to cut a CPU profile to. */
  window: Window;
}

export async function samlBench(cfg: BenchConfig): Promise<SamlFigures> {
  const n = cfg.quick ? 40 : 300;
  const concurrency = 4;
  const knownUsers = 10;
  const idp = new DemoIdp({ baseUrl: IDP_ORIGIN });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const policiesDir = benchPolicies({
    publicUrl,
    upstreamUrl: 'http://127.0.0.1:9',
    connections: [
      {
        id: CONNECTION,
        type: 'saml',
        domains: ['acme.test'],
        jit: true,
        saml: { idp_entity_id: idp.entityId, sso_url: `${IDP_ORIGIN}/sso`, idp_certificates: [fixture('demo-idp/idp.crt')], name_attribute: 'displayName', groups_attribute: 'groups', idp_initiated: true },
      },
    ],
  });
  const loaded = loadPolicies(policiesDir);
  if (!loaded.ok) throw new Error('bench policies must load');
  const bare = nodeSaml(await samlSettings(loaded.policies, CONNECTION));

  const gateway = await startGateway({ policiesDir, db: sqliteUrl(), port, ...(cfg.cpuProfDir ? { cpuProfDir: cfg.cpuProfDir } : {}) });
  try {
    const metadata = await (await fetch(`${publicUrl}/sso/saml/${CONNECTION}/metadata`)).text();
    const sp = idp.serviceProvider(metadata);
    const acs = `${publicUrl}/sso/saml/${CONNECTION}/acs`;
    const mint = (users: IdpUser[]) => Promise.all(users.map((u) => idp.response(sp, u, null)));
    const user = (email: string): IdpUser => ({ email, name: email.split('@')[0], groups: ['Engineers'] });
    const login = async (samlResponse: string) => {
      const answer = await postForm(acs, { SAMLResponse: samlResponse }, { origin: IDP_ORIGIN });
      if (answer.status !== 302 || !answer.setCookie.some((c) => c.startsWith('doorman_session='))) throw new Error(`ACS answered ${answer.status} ${answer.location ?? ''}`);
    };
    const bareRate = async (responses: string[]) => {
      const ms = await drive(responses.length, 1, async (i) => {
        const { profile } = await bare.validatePostResponseAsync({ SAMLResponse: responses[i] });
        if (!profile) throw new Error('bare validation returned no profile');
      });
      return (responses.length / ms) * 1000;
    };
    const cpu: { known: number[]; first: number[] } = { known: [], first: [] };
    const gatewayRate = async (responses: string[], kind: 'known' | 'first') => {
      const before = cpuMicros(gateway.pid);
      const ms = await drive(responses.length, concurrency, (i) => login(responses[i]));
      cpu[kind].push((cpuMicros(gateway.pid) - before) / responses.length);
      return (responses.length / ms) * 1000;
    };

    // Known users sign in once, untimed; warm-up of both paths.
    const known = Array.from({ length: knownUsers }, (_, i) => user(`known${i}@acme.test`));
    for (const r of await mint(known)) await login(r);
    cpu.known.length = 0;
    await bareRate(await mint(known));
    await get(`${publicUrl}/healthz`);

    const runs = { known: [] as { figure: number; baseline: number }[], first: [] as { figure: number; baseline: number }[] };
    const reps = cfg.cpuProfDir ? 1 : cfg.reps;
    let startUs = 0;
    let endUs = 0;
    for (let rep = 0; rep < reps; rep++) {
      // Minted before the timed part: every request carries a fresh assertion ID.
      const knownResponses = await mint(Array.from({ length: n }, (_, i) => known[i % knownUsers]));
      const firstResponses = await mint(Array.from({ length: n }, (_, i) => user(`first-${rep}-${i}-${Date.now()}@acme.test`)));
      // The bare baseline validates the very responses the gateway then receives (node-saml keeps no replay cache).
      // The profile window: from the first timed login to the last (the gateway idles during the bare runs).
      const knownBase = await bareRate(knownResponses);
      if (!startUs) startUs = monotonicUs();
      const knownFig = await gatewayRate(knownResponses, 'known');
      const firstBase = await bareRate(firstResponses);
      const firstFig = await gatewayRate(firstResponses, 'first');
      endUs = monotonicUs();
      runs.known.push({ figure: knownFig, baseline: knownBase });
      runs.first.push({ figure: firstFig, baseline: firstBase });
      log(`saml rep ${rep + 1}: known ${knownFig.toFixed(1)}/s vs bare ${knownBase.toFixed(1)}/s; first ${firstFig.toFixed(1)}/s vs bare ${firstBase.toFixed(1)}/s; gateway CPU per login ${cpu.known[rep].toFixed(0)} / ${cpu.first[rep].toFixed(0)} us`);
    }
    const fig = (r: { figure: number }[]) => median(r.map((x) => x.figure));
    const base = (r: { baseline: number }[]) => median(r.map((x) => x.baseline));
    const note = `${n} IdP-initiated responses per run, signed assertion (RSA-SHA256), ${concurrency} logins in flight; bare validation one at a time in the bench process on the same responses; SQLite`;
    return {
      window: { startUs, endUs },
      knownLoginsPerSecond: fig(runs.known),
      firstLoginsPerSecond: fig(runs.first),
      knownCpuUs: median(cpu.known),
      firstCpuUs: median(cpu.first),
      measurements: [
        { name: 'SAML ACS logins/s, known users (verify + session + redirect)', unit: '/s', figure: fig(runs.known), baselineName: 'bare node-saml validatePostResponseAsync', baseline: base(runs.known), target: { kind: 'ratio-min', value: 0.7 }, runs: runs.known, note },
        { name: 'SAML ACS first logins/s (JIT: verify + provision + session)', unit: '/s', figure: fig(runs.first), baselineName: 'bare node-saml validatePostResponseAsync', baseline: base(runs.first), target: { kind: 'ratio-min', value: 0.5 }, runs: runs.first },
      ],
    };
  } finally {
    await gateway.stop();
  }
}
