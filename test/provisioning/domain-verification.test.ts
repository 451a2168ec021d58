// Domain verification by a DNS TXT record, against a real DNS server on loopback.
import { expect } from 'chai';
import dns2 from 'dns2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doorman, serve, type Served } from '../helpers/cli.js';
import { Client } from '../helpers/browser-ish.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import { startMailSink, type MailSink } from '../helpers/smtp.js';

const PUBLIC = 'http://gateway.test';
const TOKEN = 'dnsco-5f1c0a9e27b84d36';

describe('domain verification by DNS', function () {
  this.timeout(30_000);
  const txt = new Map<string, string[]>();
  let server: ReturnType<typeof dns2.createServer>;
  let resolver: string;
  let tmp: string;
  let policies: string;
  let db: string;
  let mail: MailSink;
  let gw: Served;

  before(async () => {
    server = dns2.createServer({
      udp: true,
      handle(request, send) {
        const response = dns2.Packet.createResponseFromRequest(request);
        const [question] = request.questions;
        for (const data of txt.get(question.name.toLowerCase()) ?? []) {
          // dns2's own examples push plain records; its typings wrongly ask for an encoder on each.
          const record = { name: question.name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 1, data };
          response.answers.push(record as unknown as (typeof response.answers)[number]);
        }
        send(response);
      },
    });
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    await server.listen({ udp: { port, address: '127.0.0.1' } });
    resolver = `127.0.0.1:${port}`;
    tmp = mkdtempSync(join(tmpdir(), 'doorman-dns-'));
    mail = await startMailSink();
    db = `sqlite:${join(tmp, 'gw.sqlite')}`;
    policies = writePolicies({ public_url: PUBLIC, upstream_url: 'http://127.0.0.1:9', smtp: { url: mail.url, from: 'd@gateway.test' }, dns_servers: [resolver] }, [
      testAccount('dnsco', 'dnsco.test', { domains: [{ name: 'dnsco.test', control: 'auto_join', verification: { method: 'dns', token: TOKEN } }] }),
    ]);
    gw = await serve(['--policies', policies, '--db', db]);
  });

  after(async () => {
    await gw?.stop();
    await mail?.close();
    server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const verify = () => doorman(['domains', 'verify', '--policies', policies, '--db', db, '--resolver', resolver]);
  const signUp = (email: string) => new Client(gw.url, PUBLIC).request('/sso/login', { form: { email } });

  it('captures nobody before the TXT record is found', async () => {
    txt.set('dnsco.test', ['v=spf1 -all']);
    const run = await verify();
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal(`dnsco\tdnsco.test\tNOT verified\tno TXT record doorman-verification=${TOKEN} at dnsco.test\n`);
    expect((await signUp('bob@dnsco.test')).status).to.equal(403);
  });

  it('verifies the domain once the record is there; then domain control captures its users', async () => {
    txt.set('dnsco.test', ['v=spf1 -all', `doorman-verification=${TOKEN}`]);
    const run = await verify();
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('dnsco\tdnsco.test\tverified\tfound TXT');
    await signInByEmail(new Client(gw.url, PUBLIC), mail, 'bob@dnsco.test');
    const explained = JSON.parse((await doorman(['explain', 'carl@dnsco.test', '--json', '--policies', policies, '--db', db])).stdout);
    expect(explained).to.deep.include({ outcome: 'provisioned', route: 'domain-control' });
  });

  it('forgets the verification when the record goes away', async () => {
    txt.set('dnsco.test', []);
    expect((await verify()).code).to.equal(1);
    expect((await signUp('dora@dnsco.test')).status).to.equal(403);
  });
});
