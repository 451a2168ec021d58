// Request management by webhook: a real HTTP receiver that fails twice, then
// answers 200. Each notification arrives exactly once with a valid HMAC signature,
// retried from the outbox with backoff; license and access requests alike.
import { expect } from 'chai';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase, type Database } from '../../db/index.js';
import { Client } from '../helpers/browser-ish.js';
import { serve, type Served } from '../helpers/cli.js';
import { gatewayDb, gatewayEngines, type GatewayDb } from '../helpers/gateway-db.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import { linkIn, startMailSink, type MailSink } from '../helpers/smtp.js';
import { until } from '../helpers/until.js';

const PUBLIC = 'http://gateway.test';
const SECRET = 'webhook-secret-of-the-tests-0123456789';

interface Received {
  delivery: string;
  event: string;
  status: number;
  body: Record<string, unknown>;
}

/** Answers 503 to the first `failures` requests, then 200; refuses a bad signature with 401. */
async function startReceiver(failures: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  let seen = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const timestamp = String(req.headers['x-doorman-timestamp']);
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')}`);
    const given = Buffer.from(String(req.headers['x-doorman-signature']));
    const signed = given.length === expected.length && timingSafeEqual(given, expected);
    const status = !signed ? 401 : ++seen <= failures ? 503 : 200;
    received.push({ delivery: String(req.headers['x-doorman-delivery']), event: String(req.headers['x-doorman-event']), status, body: JSON.parse(raw) as Record<string, unknown> });
    res.writeHead(status).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/doorman`, received, server };
}

for (const engine of gatewayEngines()) {
  describe(`request management by webhook (${engine})`, function () {
    this.timeout(60_000);
    let mail: MailSink;
    let gw: Served;
    let gdb: GatewayDb;
    let db: Database;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    before(async () => {
      mail = await startMailSink();
      receiver = await startReceiver(2);
      gdb = await gatewayDb(engine);
      const policies = writePolicies(
        {
          public_url: PUBLIC,
          upstream_url: 'http://127.0.0.1:9',
          smtp: { url: mail.url, from: 'doorman@gateway.test' },
          rate_limits: { signup: { per_address: 50, per_client: 1000 } },
          webhooks: { retry_backoff: 1, retry_backoff_max: 2, poll_interval: 1 },
        },
        [
          testAccount('hooks', 'hooks.test', {
            licensing: { program: 'flexible', seats: { full: 1 }, default_license: 'free_restricted' },
            domains: [
              { name: 'hooks.test', control: 'auto_join', verification: { method: 'manual', verified: true } },
              { name: 'ask.hooks.test', control: 'request_access', verification: { method: 'manual', verified: true } },
            ],
            request_management: { mode: 'webhook', webhook: { url: receiver.url, secret: SECRET } },
          }),
        ],
      );
      gw = await serve(['--policies', policies, '--db', gdb.url]);
      db = await openDatabase(gdb.url);
    });

    after(async () => {
      await gw?.stop();
      await db?.close();
      await gdb?.dispose();
      await mail?.close();
      receiver?.server.close();
    });

    const delivered = (count: number) =>
      until(() => receiver.received.filter((r) => r.status === 200).length >= count, () => `${count} deliveries (${JSON.stringify(receiver.received)} arrived)`, { timeoutMs: 20_000, everyMs: 100 });

    it('a license request: refused twice, retried with backoff, delivered exactly once, signed', async () => {
      const c = new Client(gw.url, PUBLIC);
      await signInByEmail(c, mail, 'lee@hooks.test');
      const asked = await c.request('/me/license-requests', { method: 'POST', body: JSON.stringify({ note: 'design reviews' }), headers: { 'content-type': 'application/json' } });
      expect(asked.status).to.equal(201);
      const { licenseRequest } = await asked.json();
      await delivered(1);
      // Long enough for two more rounds of the sender: nothing more may arrive.
      await new Promise((r) => setTimeout(r, 2500));
      expect(receiver.received.map((r) => r.status)).to.deep.equal([503, 503, 200]);
      expect(new Set(receiver.received.map((r) => r.delivery)).size).to.equal(1);
      const last = receiver.received[2];
      expect(last.event).to.equal('license-request.created');
      expect(last.body).to.deep.include({ event: 'license-request.created', account: 'hooks', console: `${PUBLIC}/admin/requests` });
      expect(last.body.request).to.deep.include({ id: licenseRequest.id, email: 'lee@hooks.test', note: 'design reviews' });
      const row = await db.knex('webhook_outbox').first();
      expect(row).to.deep.include({ status: 'delivered', attempts: 3, claim_token: null });
      await gw.waitForLog((e) => e.reason === 'webhook-failed');
    });

    it('a domain access request goes through the same outbox', async () => {
      const c = new Client(gw.url, PUBLIC);
      await c.request('/sso/login', { form: { email: 'ann@ask.hooks.test' } });
      const token = new URL(linkIn(await mail.next('ann@ask.hooks.test'))).searchParams.get('token')!;
      expect((await c.request('/sso/verify', { form: { token } })).status).to.equal(403);
      await delivered(2);
      const last = receiver.received.at(-1)!;
      expect(last).to.deep.include({ event: 'access-request.created', status: 200 });
      expect(last.body.request).to.deep.include({ email: 'ann@ask.hooks.test' });
      // The gateway marks a row delivered once the receiver's answer is back: after the receiver saw it.
      const deliveredRows = async () => Number((await db.knex('webhook_outbox').where({ status: 'delivered' }).count({ n: '*' }).first())!.n);
      await until(async () => (await deliveredRows()) >= 2, 'two outbox rows marked delivered', { timeoutMs: 5_000 });
      expect(await deliveredRows()).to.equal(2);
    });
  });
}
