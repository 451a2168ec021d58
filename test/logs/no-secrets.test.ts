// After every other test of the run: no log line any gateway process printed holds a
// secret the run knows of (cookies, sign-in link tokens, client secrets, admin tokens,
// secret environment variables) or looks like a payload (SAML XML, a JWT, a PEM key).
import { expect } from 'chai';
import { DEMO_OIDC_CLIENT } from '../../fixtures/demo-op/server.js';
import { CLIENT_SECRET } from '../oidc/helpers/op.js';
import { knownSecrets, rememberSecret, servedLogs } from '../helpers/secrets.js';

const PAYLOAD_SHAPES: { what: string; pattern: RegExp }[] = [
  { what: 'a SAML message (base64 of <samlp: or <?xml)', pattern: /PHNhbWxw|PD94bWwg|PHNhbWwy/ },
  { what: 'a JWT', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./ },
  { what: 'a PEM block', pattern: /-----BEGIN [A-Z ]+-----/ },
  { what: 'an admin token of the tests', pattern: /admin-token-for-[a-z-]+/ },
  { what: 'a bearer token', pattern: /Bearer [A-Za-z0-9._~+/-]{16,}/ },
];

/** The first offending line per kind of secret, so a failure names what leaked without repeating it. */
export function secretsIn(lines: string[], secrets: Iterable<string>): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const line = lines.find((l) => l.includes(secret));
    if (line) found.push(`a known secret (${secret.slice(0, 4)}...) in: ${line.slice(0, 300)}`);
  }
  for (const { what, pattern } of PAYLOAD_SHAPES) {
    const line = lines.find((l) => pattern.test(l));
    if (line) found.push(`${what} in: ${line.slice(0, 300)}`);
  }
  return found;
}

describe('the no-secrets-in-logs check', () => {
  it('finds a planted secret, a SAML payload and a JWT, and passes clean lines', () => {
    const lines = ['{"msg":"login","reason":"login-ok"}', '{"cookie":"s3cr3t-cookie-value-123456"}', '{"body":"SAMLResponse=PHNhbWxwOlJlc3BvbnNl"}', '{"t":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.sig"}'];
    expect(secretsIn(lines, ['s3cr3t-cookie-value-123456'])).to.have.length(3);
    expect(secretsIn(lines.slice(0, 1), ['s3cr3t-cookie-value-123456'])).to.deep.equal([]);
  });
});

// A root hook: it runs once, after every test of the whole run.
after(function () {
  rememberSecret(CLIENT_SECRET);
  rememberSecret(DEMO_OIDC_CLIENT.client_secret);
  const lines = servedLogs.flat();
  const leaks = secretsIn(lines, knownSecrets);
  expect(leaks, `secrets in the gateway logs of this run (${lines.length} lines, ${knownSecrets.size} known secrets checked)`).to.deep.equal([]);
});
