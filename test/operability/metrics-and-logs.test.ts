// /metrics scraped and parsed after real logins and refusals; request ids in the
// logs; the login rate limit (429 with Retry-After).
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../helpers/browser-ish.js';
import { serve, type Served } from '../helpers/cli.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import { startMailSink, type MailSink } from '../helpers/smtp.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const PUBLIC = 'http://gateway.test';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's samples (comments skipped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('operability: metrics, request ids, login rate limit', function () {
  this.timeout(60_000);
  let tmp: string;
  let mail: MailSink;
  let upstream: TestUpstream;
  let gw: Served;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'doorman-metrics-'));
    mail = await startMailSink();
    upstream = await startUpstream();
    const policies = writePolicies(
      {
        public_url: PUBLIC,
        upstream_url: upstream.url,
        data_dir: join(tmp, 'data'),
        smtp: { url: mail.url, from: 'doorman@gateway.test' },
        rate_limits: { login: { per_client: 6, window: '1h' } },
      },
      [testAccount('acme', 'acme.test', { licensing: { program: 'standard', seats: { full: 3 } } })],
    );
    gw = await serve(['--policies', policies, '--db', `sqlite:${join(tmp, 'gw.sqlite')}`]);
  });

  after(async () => {
    await gw?.stop();
    await mail?.close();
    await upstream?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('counts a login, a refusal, the provisioning decision, seats and proxied latency', async () => {
    const ann = new Client(gw.url, PUBLIC);
    await signInByEmail(ann, mail, 'ann@acme.test');
    const proxied = await ann.request('/hello', { headers: { 'x-request-id': 'proxied-0123456789' } });
    expect(proxied.status).to.equal(200);
    expect(((await proxied.json()) as { headers: Record<string, string> }).headers['x-request-id']).to.equal('proxied-0123456789');
    const refused = await new Client(gw.url, PUBLIC).request('/sso/verify', { form: { token: 'not-a-live-token' } });
    expect(refused.status).to.equal(410);

    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const samples = parseMetrics(await res.text());
    expect(valueOf(samples, 'doorman_logins_total', { protocol: 'email', connection: '', reason: 'login-ok' })).to.equal(1);
    expect(valueOf(samples, 'doorman_logins_total', { protocol: 'email', reason: 'signup-token-invalid' })).to.equal(1);
    expect(valueOf(samples, 'doorman_provisioning_decisions_total', { route: 'domain-control', license: 'full' })).to.equal(1);
    expect(valueOf(samples, 'doorman_seats', { account: 'acme', state: 'used' })).to.equal(1);
    expect(valueOf(samples, 'doorman_seats', { account: 'acme', state: 'free' })).to.equal(2);
    expect(valueOf(samples, 'doorman_proxy_request_duration_seconds_count', { outcome: 'completed' })).to.equal(1);
    expect(samples.some((s) => s.name === 'doorman_scim_requests_total' || s.name === 'process_cpu_user_seconds_total')).to.equal(true);
  });

  it('gives every request an id: a sane incoming X-Request-Id is kept, anything else replaced; log lines carry it', async () => {
    const kept = await fetch(`${gw.url}/sso/login`, { headers: { 'x-request-id': 'trace-0123456789' } });
    expect(kept.headers.get('x-request-id')).to.equal('trace-0123456789');
    const replaced = await fetch(`${gw.url}/sso/login`, { headers: { 'x-request-id': 'bad id\twith "quotes"' } });
    expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const line = await gw.waitForLog((e) => e.msg === 'request' && e.requestId === 'trace-0123456789');
    expect(line).to.include({ method: 'GET', route: '/sso/login', status: 200 });

    const refused = await new Client(gw.url, PUBLIC).request('/sso/verify', { form: { token: 'another-dead-token' }, headers: { 'x-request-id': 'refusal-0123456789' } });
    expect(refused.status).to.equal(410);
    const refusal = await gw.waitForLog((e) => e.msg === 'login refused' && e.requestId === 'refusal-0123456789');
    expect(refusal.reason).to.equal('signup-token-invalid');
    // The access line of the same request carries its own fields only, not the refusal's.
    const access = await gw.waitForLog((e) => e.msg === 'request' && e.requestId === 'refusal-0123456789');
    expect(access).to.include({ route: '/sso/verify', status: 410 });
    expect(access).not.to.have.any.keys('reason', 'detail', 'correlationId');
  });

  it('sends the upstream the id the client gets back, also one the gateway made or replaced', async () => {
    const ann = new Client(gw.url, PUBLIC);
    await signInByEmail(ann, mail, 'ann@acme.test');
    const upstreamSaw = async (res: Response) => ((await res.json()) as { headers: Record<string, string> }).headers['x-request-id'];
    const made = await ann.request('/hello');
    expect(made.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    expect(await upstreamSaw(made)).to.equal(made.headers.get('x-request-id'));
    const replaced = await ann.request('/hello', { headers: { 'x-request-id': 'bad id "x"' } });
    expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    expect(await upstreamSaw(replaced)).to.equal(replaced.headers.get('x-request-id'));
  });

  it('serves /metrics only to the allowed addresses', async () => {
    const dir = writePolicies({ public_url: PUBLIC, upstream_url: upstream.url, data_dir: join(tmp, 'data2'), metrics: { allow: ['10.0.0.0/8'] } }, [testAccount('acme', 'acme.test')]);
    const other = await serve(['--policies', dir, '--db', `sqlite:${join(tmp, 'other.sqlite')}`]);
    try {
      expect((await fetch(`${other.url}/metrics`)).status).to.equal(404);
    } finally {
      await other.stop();
    }
  });

  it('limits the login routes per client address: 429 with Retry-After', async () => {
    // Six per window in this gateway; the tests above used some of them.
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await new Client(gw.url, PUBLIC).request('/sso/login', { form: { email: 'nobody@unknown.example' } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).to.include(429);
    expect(statuses.at(-1)).to.equal(429);
    expect(Number(retryAfter)).to.be.within(1, 3600);
    // Other routes are not limited.
    expect((await fetch(`${gw.url}/sso/login`)).status).to.equal(200);
    const samples = parseMetrics(await (await fetch(`${gw.url}/metrics`)).text());
    expect(valueOf(samples, 'doorman_rate_limited_total', { limit: 'login-client' })).to.be.greaterThan(0);
  });
});
