// The proxy's pure parts: the signing key, the identity header cache, header encoding, restrictions.
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { ActiveSession } from '../../gateway/identity.js';
import { GENERATED_KEY_FILE, loadSigningKey } from '../../gateway/identity-token.js';
import { headerSafe, IdentityHeaders } from '../../gateway/proxy/identity-headers.js';
import { isAccountCreation } from '../../gateway/proxy/restrictions.js';
import { upstreamFailure } from '../../gateway/proxy/upstream-failure.js';

const session = (overrides: Partial<ActiveSession> = {}): ActiveSession => ({
  idHash: 'h1',
  userId: 'u1',
  accountId: 'acme',
  email: 'ann@acme.test',
  name: 'Ann',
  license: 'full',
  teams: ['everyone'],
  groups: [],
  restricted: false,
  connectionId: null,
  createdAt: 0,
  ...overrides,
});

const assertionOf = (headers: string[]) => headers[headers.indexOf('x-doorman-assertion') + 1];

describe('proxy units', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'doorman-proxy-unit-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  describe('signing key', () => {
    it('generates a P-256 key once under data_dir, mode 0600, and reuses it', () => {
      const dataDir = join(tmp, 'data');
      const first = loadSigningKey({ identity: { signingKey: undefined }, dataDir });
      const file = join(dataDir, GENERATED_KEY_FILE);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const again = loadSigningKey({ identity: { signingKey: undefined }, dataDir });
      expect(again.kid).to.equal(first.kid);
      expect(first.publicJwk).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: first.kid });
      expect(readFileSync(file, 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----/);
    });

    it('takes a configured key as PEM or as a file path', () => {
      const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const file = join(tmp, 'key.pem');
      writeFileSync(file, pem);
      const inline = loadSigningKey({ identity: { signingKey: pem }, dataDir: tmp });
      expect(loadSigningKey({ identity: { signingKey: file }, dataDir: tmp }).kid).to.equal(inline.kid);
    });

    it('refuses a key that is not EC P-256', () => {
      const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      for (const signingKey of [ed25519, p384]) expect(() => loadSigningKey({ identity: { signingKey }, dataDir: tmp })).to.throw(/EC P-256/);
    });
  });

  describe('identity headers', () => {
    it('signs an ES256 assertion that verifies against the key’s JWKS', async () => {
      const key = loadSigningKey({ identity: { signingKey: undefined }, dataDir: tmp });
      const headers = new IdentityHeaders(key).for(session({ name: null, teams: [] }), 'https://gw.test', 'http://app.test');
      const { payload } = await jwtVerify(assertionOf(headers), createLocalJWKSet({ keys: [key.publicJwk] }), { issuer: 'https://gw.test', audience: 'http://app.test' });
      expect(payload).to.include({ sub: 'u1', email: 'ann@acme.test', account: 'acme', license: 'full' });
      expect(payload).to.not.have.property('name');
      expect(headers).to.not.include('x-doorman-name');
      expect(headers[headers.indexOf('x-doorman-teams') + 1]).to.equal('');
    });

    it('re-signs only when less than 30 s of the 60 s remain, or when the identity changed', () => {
      let now = 1_000_000_000_000;
      const identity = new IdentityHeaders(loadSigningKey({ identity: { signingKey: undefined }, dataDir: tmp }), () => now);
      const first = assertionOf(identity.for(session(), 'https://gw.test', 'http://app.test'));
      now += 29_000;
      expect(assertionOf(identity.for(session(), 'https://gw.test', 'http://app.test'))).to.equal(first);
      now += 1_000;
      const renewed = assertionOf(identity.for(session(), 'https://gw.test', 'http://app.test'));
      expect(renewed).to.not.equal(first);
      expect(decodeJwt(renewed).iat).to.equal(now / 1000);
      const upgraded = assertionOf(identity.for(session({ license: 'free' }), 'https://gw.test', 'http://app.test'));
      expect(decodeJwt(upgraded).license).to.equal('free');
      expect(assertionOf(identity.for(session({ idHash: 'h2' }), 'https://gw.test', 'http://app.test'))).to.not.equal(upgraded);
    });

    it('encodes free text header-safe: printable ASCII as is, anything else as an RFC 8187 ext-value', () => {
      expect(headerSafe('Ann Lee')).to.equal('Ann Lee');
      expect(headerSafe('ann+tag@acme.test')).to.equal('ann+tag@acme.test');
      expect(headerSafe('Zoë 李')).to.equal("UTF-8''Zo%C3%AB%20%E6%9D%8E");
      expect(headerSafe('evil\r\nX-Doorman-User: admin')).to.equal("UTF-8''evil%0D%0AX-Doorman-User%3A%20admin");
      expect(headerSafe(' padded')).to.equal("UTF-8''%20padded");
      expect(headerSafe("UTF-8''looks-encoded")).to.equal("UTF-8''UTF-8%27%27looks-encoded");
      for (const value of ['Zoë 李', "O'Brien (ext) 100%", '\ud800 lone']) {
        const encoded = headerSafe(value);
        const decoded = encoded.startsWith("UTF-8''") ? decodeURIComponent(encoded.slice(7)) : encoded;
        expect(decoded).to.equal(value.replace('\ud800', '\ufffd'));
      }
    });
  });

  describe('account-creation restrictions', () => {
    const routes = [{ method: 'POST', path: '/signup' }, { method: 'PUT', path: '/orgs/new/' }];
    it('matches the method and the path or a path below it, however the path is spelled', () => {
      for (const path of ['/signup', '/signup/', '/signup/team', '//signup', '/SignUp', '/%73ignup', '/a/../signup', '/./signup']) {
        expect(isAccountCreation(routes, 'POST', path), path).to.equal(true);
      }
      expect(isAccountCreation(routes, 'put', '/orgs/new')).to.equal(true);
      for (const [method, path] of [['GET', '/signup'], ['POST', '/signups'], ['POST', '/sign'], ['POST', '/'], ['PUT', '/orgs']]) {
        expect(isAccountCreation(routes, method, path), `${method} ${path}`).to.equal(false);
      }
      expect(isAccountCreation([], 'POST', '/signup')).to.equal(false);
    });
  });

  it('classifies upstream failures: unreachable (502), timeout (504), anything else (502)', () => {
    const failure = (code: string) => upstreamFailure(Object.assign(new Error(code), { code }));
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']) expect(failure(code), code).to.equal('upstream-unreachable');
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) expect(failure(code), code).to.equal('upstream-timeout');
    for (const code of ['UND_ERR_SOCKET', 'ECONNRESET']) expect(failure(code), code).to.equal('upstream-error');
  });
});
