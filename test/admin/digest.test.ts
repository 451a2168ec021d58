// Request management by daily digest: after digest_hour_utc, one mail a day to the
// recipients listing the open requests; nothing is mailed while nothing is open.
import { expect } from 'chai';
import { Client } from '../helpers/browser-ish.js';
import { serve, type Served } from '../helpers/cli.js';
import { gatewayDb, gatewayEngines, type GatewayDb } from '../helpers/gateway-db.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { signInByEmail } from '../helpers/signin.js';
import { startMailSink, type MailSink } from '../helpers/smtp.js';

const PUBLIC = 'http://gateway.test';

for (const engine of gatewayEngines()) {
  describe(`request management by daily digest (${engine})`, function () {
    this.timeout(60_000);
    let mail: MailSink;
    let gw: Served;
    let gdb: GatewayDb;

    before(async () => {
      mail = await startMailSink();
      gdb = await gatewayDb(engine);
      const policies = writePolicies(
        { public_url: PUBLIC, upstream_url: 'http://127.0.0.1:9', smtp: { url: mail.url, from: 'doorman@gateway.test' }, webhooks: { poll_interval: 1 } },
        [
          testAccount('digest', 'digest.test', {
            licensing: { program: 'flexible', seats: { full: 1 }, default_license: 'free_restricted' },
            request_management: { mode: 'digest', recipients: ['it@digest.test'], digest_hour_utc: 0 },
          }),
        ],
      );
      gw = await serve(['--policies', policies, '--db', gdb.url]);
    });

    after(async () => {
      await gw?.stop();
      await gdb?.dispose();
      await mail?.close();
    });

    it('mails one digest of the open requests per day, none before a request is open', async () => {
      const ask = async (email: string) => {
        const c = new Client(gw.url, PUBLIC);
        await signInByEmail(c, mail, email);
        // Two rounds of the sender pass with nothing open: the day must stay untaken.
        await new Promise((r) => setTimeout(r, 2200));
        const res = await c.request('/me/license-requests', { method: 'POST', body: JSON.stringify({ note: 'for the audit' }), headers: { 'content-type': 'application/json' } });
        expect(res.status).to.equal(201);
      };
      await ask('dee@digest.test');
      const digest = await mail.next('it@digest.test', 5000);
      expect(digest.raw).to.include('1 open request');
      expect(digest.raw).to.include('dee@digest.test asks for a Full license: for the audit');
      await ask('dan@digest.test');
      await new Promise((r) => setTimeout(r, 2200));
      expect(mail.messages.filter((m) => m.to.includes('it@digest.test'))).to.have.length(1);
    });
  });
}
