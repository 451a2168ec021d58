// `doorman demo`: the demo app, a demo SAML IdP and a demo OpenID provider, and
// the gateway in front of the app on http://localhost:8080, on embedded SQLite
// under ./data.
import { fileURLToPath } from 'node:url';
import { startDemoApp } from '../../fixtures/demo-app/server.js';
import { startDemoIdp } from '../../fixtures/demo-idp/server.js';
import { startDemoOp } from '../../fixtures/demo-op/server.js';
import { serveCommand } from './serve.js';

export const DEMO_POLICIES = fileURLToPath(new URL('../../fixtures/demo/policies/', import.meta.url));
const GATEWAY = 'http://localhost:8080';

export async function demoCommand(): Promise<number> {
  // Readable logs for a person at a terminal, unless asked otherwise.
  process.env.DOORMAN_LOG_PRETTY ??= '1';
  const upstream = await startDemoApp(3000);
  const idp = await startDemoIdp({ port: 8081, trustedSp: `${GATEWAY}/` });
  const op = await startDemoOp(GATEWAY);
  process.stderr.write(
    [
      `demo app on http://127.0.0.1:3000, behind the gateway at ${GATEWAY}/`,
      `demo SAML IdP on ${idp.url}: IdP-initiated login at ${idp.url}/start?sp=${GATEWAY}/sso/saml/acme-demo-idp/metadata`,
      'demo OpenID provider on http://127.0.0.1:8090',
      `open ${GATEWAY}/ and sign in as someone@acme.test; choose SAML or OIDC`,
      '',
    ].join('\n'),
  );
  try {
    return await serveCommand({ policies: DEMO_POLICIES, port: 8080 });
  } finally {
    upstream.close();
    op.close();
    await idp.close();
  }
}
