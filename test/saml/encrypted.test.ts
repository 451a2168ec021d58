// Encrypted assertions: decrypted with the connection's SP key, and accepted only
// when the assertion inside is signed (or the Response around it is).
import { createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import xmlenc from 'xml-encryption';
import { DemoIdp } from '../../fixtures/demo-idp/idp.js';
import { startDemoIdp, type DemoIdpServer } from '../../fixtures/demo-idp/server.js';
import { postToAcs } from './helpers/flow.js';
import { fixture, freePort, pem, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';
import { removeSignatures } from './helpers/hostile.js';

const ALICE = { email: 'alice@acme.test', name: 'Alice Example', groups: [] };
const KEYS = { sp_decryption_key: fixture('saml/sp-encryption.key'), sp_decryption_cert: fixture('saml/sp-encryption.crt') };

function encryptAssertion(responseXml: string, cert: string): Promise<string> {
  const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(responseXml)![0];
  const options: xmlenc.EncryptOptions = {
    rsa_pub: createPublicKey(cert).export({ type: 'spki', format: 'pem' }).toString(),
    pem: cert,
    encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  };
  return new Promise((resolve, reject) =>
    xmlenc.encrypt(assertion, options, (err: Error | null, encrypted: string) =>
      err ? reject(err) : resolve(responseXml.replace(assertion, `<saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion>`)),
    ),
  );
}

describe('saml encrypted assertions', function () {
  this.timeout(30_000);
  let server: DemoIdpServer;
  let idp: DemoIdp;
  let gw: TestGateway;

  before(async () => {
    const port = await freePort();
    server = await startDemoIdp({ port: 0, trustedSp: `http://127.0.0.1:${port}/` });
    idp = new DemoIdp({ baseUrl: server.url, encryptAssertions: true });
    gw = await startGateway(port, [samlConnection('enc', { entityId: idp.entityId, ssoUrl: `${server.url}/sso` }, { idp_initiated: true, ...KEYS })]);
  });
  after(async () => {
    await gw?.stop();
    await server?.close();
  });

  const spOf = async () => idp.serviceProvider(await (await fetch(`${gw.url}/sso/saml/enc/metadata`)).text());

  it('publishes the encryption certificate in the SP metadata', async () => {
    const xml = await (await fetch(`${gw.url}/sso/saml/enc/metadata`)).text();
    expect(xml).to.match(/<KeyDescriptor use="encryption">/);
  });

  it('accepts a signed assertion the IdP encrypted to the SP', async () => {
    const body = await idp.response(await spOf(), ALICE, null);
    expect(Buffer.from(body, 'base64').toString()).to.contain('EncryptedAssertion').and.not.to.contain('alice@acme.test');
    const { acs } = await postToAcs(gw.url, 'enc', body);
    expect(acs.status).to.equal(302);
    expect(await gw.db.knex('users').where({ email: 'alice@acme.test' })).to.have.length(1);
  });

  it('encrypted-unsigned-assertion.response.xml: refused, nothing written', async () => {
    const plain = new DemoIdp({ baseUrl: server.url });
    const xml = Buffer.from(await plain.response(await spOf(), { ...ALICE, email: 'eve@acme.test' }, null), 'base64').toString();
    const body = Buffer.from(await encryptAssertion(removeSignatures(xml), pem('saml/sp-encryption.crt'))).toString('base64');
    const before = await gw.counts();
    const { acs } = await postToAcs(gw.url, 'enc', body);
    expect(acs.status).to.equal(403);
    await gw.logged('saml-signature-invalid');
    expect(await gw.counts()).to.deep.equal(before);
  });
});
