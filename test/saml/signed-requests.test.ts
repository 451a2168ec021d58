// AuthnRequests signed with the connection's SP key (HTTP-Redirect binding: the
// signature covers SAMLRequest, RelayState and SigAlg as they stand in the URL).
import { createVerify } from 'node:crypto';
import { expect } from 'chai';
import { fixture, freePort, pem, samlConnection, startGateway, type TestGateway } from './helpers/gateway.js';

describe('saml signed AuthnRequests', function () {
  this.timeout(30_000);
  let gw: TestGateway;

  before(async () => {
    const port = await freePort();
    const at = { entityId: 'https://idp.example/metadata', ssoUrl: 'https://idp.example/sso' };
    gw = await startGateway(port, [
      samlConnection('signed', at, { sign_requests: true, sp_signing_key: fixture('saml/sp-signing.key'), sp_signing_cert: fixture('saml/sp-signing.crt') }),
      samlConnection('unsigned', at),
    ]);
  });
  after(() => gw?.stop());

  it('signs the request with RSA-SHA256 so the IdP can verify it with the certificate in the SP metadata', async () => {
    const res = await fetch(`${gw.url}/sso/saml/signed/login?login_hint=ann%40acme.test`, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    const location = res.headers.get('location')!;
    const query = location.slice(location.indexOf('?') + 1);
    const params = new URLSearchParams(query);
    expect(params.get('SigAlg')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(params.get('login_hint')).to.equal('ann@acme.test');
    // The signed octets: the raw (still URL-encoded) parameters, in this order.
    const raw = Object.fromEntries(query.split('&').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => k in raw).map((k) => `${k}=${raw[k]}`).join('&');
    const verifier = createVerify('RSA-SHA256').update(signed);
    expect(verifier.verify(pem('saml/sp-signing.crt'), params.get('Signature')!, 'base64')).to.equal(true);

    const metadata = await (await fetch(`${gw.url}/sso/saml/signed/metadata`)).text();
    expect(metadata).to.contain('AuthnRequestsSigned="true"').and.contain('use="signing"');
    const certBody = pem('saml/sp-signing.crt').replace(/-----[^-]+-----|\s/g, '');
    expect(metadata.replace(/\s/g, '')).to.contain(certBody);
  });

  it('sends no signature where the connection does not ask for one', async () => {
    const res = await fetch(`${gw.url}/sso/saml/unsigned/login`, { redirect: 'manual' });
    const params = new URL(res.headers.get('location')!).searchParams;
    expect(params.has('SAMLRequest')).to.equal(true);
    expect(params.has('Signature')).to.equal(false);
  });
});
