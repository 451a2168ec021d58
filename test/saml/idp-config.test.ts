// How a connection learns its IdP: by hand with several trusted certificates (a
// rotation without downtime), or from IdP metadata, as a file or a URL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DemoIdp } from '../../fixtures/demo-idp/idp.js';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { postToAcs, spInitiated } from './helpers/flow.js';
import { fixture, freePort, pem, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';

const USER = { email: 'carol@acme.test', name: 'Carol', groups: [] };

describe('saml idp configuration', function () {
  this.timeout(30_000);
  let server: DemoIdpServer;
  let gw: TestGateway;

  before(async () => {
    const port = await freePort();
    server = await startDemoIdp({ port: 0, trustedSp: `http://127.0.0.1:${port}/` });
    const metadataFile = join(mkdtempSync(join(tmpdir(), 'doorman-idp-md-')), 'idp.xml');
    writeFileSync(metadataFile, server.idp.metadata());
    const at = { entityId: server.idp.entityId, ssoUrl: `${server.url}/sso` };
    gw = await startGateway(port, [
      samlConnection('rotating', at, { idp_initiated: true, idp_certificates: [fixture('saml/idp-next.crt'), fixture('demo-idp/idp.crt')] }),
      { id: 'md-url', type: 'saml', domains: ['acme.test'], jit: true, saml: { idp_metadata: { url: `${server.url}/metadata`, refresh: '1h' }, idp_initiated: true } },
      { id: 'md-file', type: 'saml', domains: ['acme.test'], jit: true, saml: { idp_metadata: { file: metadataFile } } },
    ]);
  });
  after(async () => {
    await gw?.stop();
    await server?.close();
  });

  const responseFrom = async (idp: DemoIdp, connection: string) =>
    idp.response(idp.serviceProvider(await (await fetch(`${gw.url}/sso/saml/${connection}/metadata`)).text()), USER, null);

  it('trusts every configured certificate during a rotation, and no other', async () => {
    const current = new DemoIdp({ baseUrl: server.url });
    const next = new DemoIdp({ baseUrl: server.url, key: pem('saml/idp-next.key'), cert: pem('saml/idp-next.crt') });
    const attacker = new DemoIdp({ baseUrl: server.url, key: pem('saml/attacker.key'), cert: pem('saml/attacker.crt') });
    expect((await postToAcs(gw.url, 'rotating', await responseFrom(current, 'rotating'))).acs.status).to.equal(302);
    expect((await postToAcs(gw.url, 'rotating', await responseFrom(next, 'rotating'))).acs.status).to.equal(302);
    expect((await postToAcs(gw.url, 'rotating', await responseFrom(attacker, 'rotating'))).acs.status).to.equal(403);
    await gw.logged('saml-signature-invalid');
  });

  it('reads entity ID, SSO URL and certificates from IdP metadata at a URL', async () => {
    expect((await postToAcs(gw.url, 'md-url', await responseFrom(server.idp, 'md-url'))).acs.status).to.equal(302);
  });

  it('reads them from an IdP metadata file, for SP-initiated login', async () => {
    const { start, acs } = await spInitiated(gw.url, 'md-file', 'alice@acme.test');
    expect(start.headers.get('location')).to.match(new RegExp(`^${server.url}/sso\\?`));
    expect(acs.status).to.equal(302);
  });
});
