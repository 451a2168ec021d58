// The hostile corpus: each case starts from a valid response signed by the test IdP
// (samlify), is named for its attack, and must end in a 4xx, its saml-* reason code
// in the gateway's log, and not one row written to users, sessions or license_decisions.
import { expect } from 'chai';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { postToAcs } from './helpers/flow.js';
import { freePort, pem, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';
import * as hostile from './helpers/hostile.js';

const ALICE = { email: 'alice@acme.test', name: 'Alice Example', groups: ['Engineers'] };
const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const xmlOf = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

describe('saml hostile corpus', function () {
  this.timeout(30_000);
  let idp: DemoIdpServer;
  let gw: TestGateway;

  before(async () => {
    const port = await freePort();
    idp = await startDemoIdp({ port: 0, trustedSp: `http://127.0.0.1:${port}/` });
    const at = { entityId: idp.idp.entityId, ssoUrl: `${idp.url}/sso` };
    gw = await startGateway(port, [
      samlConnection('sp-only', at),
      samlConnection('open', at, { idp_initiated: true }),
      samlConnection('signed', at, { idp_initiated: true, want_response_signed: true }),
    ]);
  });
  after(async () => {
    await gw?.stop();
    await idp?.close();
  });

  /** A valid Response (XML) for a connection, as the IdP signs it; `tags` change what it says. */
  async function valid(connection: string, tags: Record<string, string> = {}, inResponseTo: string | null = null): Promise<string> {
    const metadata = await (await fetch(`${gw.url}/sso/saml/${connection}/metadata`)).text();
    const sp = idp.idp.serviceProvider(metadata, { wantResponseSigned: connection === 'signed' });
    return xmlOf(await idp.idp.response(sp, ALICE, inResponseTo, tags));
  }

  async function expectRefused(connection: string, body: string, reason: string, opts: { relayState?: string; status?: number } = {}) {
    const before = await gw.counts();
    const seen = gw.reasons().length;
    const { acs } = await postToAcs(gw.url, connection, body, opts.relayState);
    expect(acs.status, `status for ${reason}`).to.equal(opts.status ?? acs.status);
    expect(acs.status).to.be.within(400, 499);
    expect(acs.headers.get('set-cookie') ?? '').not.to.contain('doorman_session=');
    expect(await acs.text()).to.contain('Sign-in failed').and.to.match(/id="correlation-id">[0-9a-f-]{36}</);
    await waitFor(() => gw.reasons().slice(seen).some((r) => r.startsWith('saml-')));
    expect(gw.reasons().slice(seen)).to.include(reason);
    expect(await gw.counts()).to.deep.equal(before);
  }

  it('the valid response the corpus starts from is accepted', async () => {
    const { acs } = await postToAcs(gw.url, 'open', b64(await valid('open')));
    expect(acs.status).to.equal(302);
  });

  for (const [name, wrap] of Object.entries(hostile.XSW)) {
    it(`${name}.response.xml: signature wrapping is refused`, async () => {
      const connection = name === 'xsw1' || name === 'xsw2' ? 'signed' : 'open';
      await expectRefused(connection, b64(wrap(await valid(connection))), XSW_REASON[name]);
    });
  }

  it('comment-in-nameid.response.xml', async () => expectRefused('open', b64(hostile.commentInNameId(await valid('open'))), 'saml-xml-comment', { status: 400 }));
  it('attacker-key-in-keyinfo.response.xml', async () =>
    expectRefused('open', b64(hostile.resign(await valid('open'), pem('saml/attacker.key'), pem('saml/attacker.crt'), 'rsa')), 'saml-signature-invalid', { status: 403 }));
  it('hmac-with-idp-cert.response.xml', async () =>
    expectRefused('open', b64(hostile.resign(await valid('open'), '', pem('demo-idp/idp.crt'), 'hmac')), 'saml-signature-algorithm', { status: 400 }));
  it('unsigned-assertion.response.xml', async () => expectRefused('open', b64(hostile.removeSignatures(await valid('open'))), 'saml-signature-invalid', { status: 403 }));
  it('modified-signed-assertion.response.xml', async () => expectRefused('open', b64(hostile.modifyAssertion(await valid('open'))), 'saml-signature-invalid', { status: 403 }));
  it('second-signedinfo.response.xml', async () => expectRefused('open', b64(hostile.secondSignedInfo(await valid('open'))), 'saml-signature-malformed', { status: 400 }));
  it('comment-in-digestvalue.response.xml', async () => expectRefused('open', b64(hostile.commentInDigest(await valid('open'))), 'saml-xml-comment', { status: 400 }));
  it('multiple-roots.response.xml', async () => expectRefused('open', b64(hostile.multipleRoots(await valid('open'))), 'saml-malformed-xml', { status: 400 }));
  it('doctype-xxe.response.xml', async () => expectRefused('open', b64(hostile.doctypeXxe(await valid('open'))), 'saml-doctype-refused', { status: 400 }));

  it('expired.response.xml', async () => {
    const tags = { IssueInstant: minutes(-20), ConditionsNotBefore: minutes(-20), ConditionsNotOnOrAfter: minutes(-10), SubjectConfirmationDataNotOnOrAfter: minutes(-10) };
    await expectRefused('open', b64(await valid('open', tags)), 'saml-expired');
  });
  it('expired-within-clock-skew.response.xml is still accepted (60 s default skew)', async () => {
    const tags = { ConditionsNotOnOrAfter: new Date(Date.now() - 20_000).toISOString(), SubjectConfirmationDataNotOnOrAfter: new Date(Date.now() - 20_000).toISOString() };
    const { acs } = await postToAcs(gw.url, 'open', b64(await valid('open', tags)));
    expect(acs.status).to.equal(302);
  });
  it('not-yet-valid.response.xml', async () => expectRefused('open', b64(await valid('open', { ConditionsNotBefore: minutes(10) })), 'saml-not-yet-valid'));
  it('wrong-audience.response.xml', async () => expectRefused('open', b64(await valid('open', { Audience: 'https://other-sp.example/metadata' })), 'saml-audience-mismatch'));
  it('wrong-destination.response.xml', async () => expectRefused('open', b64(await valid('open', { Destination: 'https://other-sp.example/acs' })), 'saml-destination-mismatch'));
  it('wrong-recipient.response.xml', async () => expectRefused('open', b64(await valid('open', { SubjectRecipient: 'https://other-sp.example/acs' })), 'saml-recipient-mismatch'));
  it('wrong-issuer.response.xml', async () => expectRefused('open', b64(await valid('open', { Issuer: 'https://evil-idp.example' })), 'saml-issuer-mismatch'));
  it('unknown-inresponseto.response.xml', async () => expectRefused('sp-only', b64(await valid('sp-only', {}, '_never-requested')), 'saml-unknown-in-response-to'));
  it('idp-initiated-not-allowed.response.xml', async () => expectRefused('sp-only', b64(await valid('sp-only')), 'saml-unsolicited-refused'));

  it('replay.response.xml: the same response twice', async () => {
    const body = b64(await valid('open'));
    expect((await postToAcs(gw.url, 'open', body)).acs.status).to.equal(302);
    await expectRefused('open', body, 'saml-assertion-replayed');
  });

  it('replay on another gateway process sharing the database', async () => {
    const body = b64(await valid('open'));
    expect((await postToAcs(gw.url, 'open', body)).acs.status).to.equal(302);
    const other = await startGateway(await freePort(), [samlConnection('open', { entityId: idp.idp.entityId, ssoUrl: `${idp.url}/sso` }, { idp_initiated: true })], {
      publicUrl: gw.url,
      dbPath: gw.dbPath,
    });
    try {
      const { acs } = await postToAcs(other.url, 'open', body);
      expect(acs.status).to.equal(403);
      await waitFor(() => other.reasons().includes('saml-assertion-replayed'));
      expect(other.reasons()).to.include('saml-assertion-replayed');
    } finally {
      await other.stop();
    }
  });

  it('oversized.body: a POST over max_body', async () => {
    const huge = 'A'.repeat(300_000);
    await expectRefused('open', huge, 'saml-body-too-large', { status: 413 });
  });

  for (const relayState of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)']) {
    it(`open-redirect RelayState ${relayState} lands on /`, async () => {
      const { acs } = await postToAcs(gw.url, 'open', b64(await valid('open')), relayState);
      expect(acs.status).to.equal(302);
      expect(acs.headers.get('location')).to.equal('/');
    });
  }
});

/** What refuses each wrapping: node-saml's single-assertion and reference checks, or the pinned signature. */
const XSW_REASON: Record<string, string> = {
  xsw1: 'saml-signature-invalid',
  xsw2: 'saml-signature-invalid',
  xsw3: 'saml-multiple-assertions',
  xsw4: 'saml-signature-invalid',
  xsw5: 'saml-multiple-assertions',
  xsw6: 'saml-signature-invalid',
  xsw7: 'saml-signature-invalid',
  xsw8: 'saml-signature-invalid',
};

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}
