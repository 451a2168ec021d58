// A real OpenID provider (oidc-provider) on a loopback port, for the tests and the demo
// shape alike: a client per connection, a login that completes as whichever user the
// test names next, consent granted for every client.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';

export type Claims = Record<string, unknown>;

export interface TestOp {
  issuer: string;
  provider: Provider;
  /** The account id the next login at this provider signs in as. */
  loginAs(accountId: string, claims: Claims): void;
  close(): Promise<void>;
}

export interface TestOpOptions {
  clients: ClientMetadata[];
  /** false: profile claims only at userinfo, as conforming providers do (default true: also in the ID token). */
  claimsInIdToken?: boolean;
}

export const CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

export async function startOp(options: TestOpOptions): Promise<TestOp> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, Claims>();
  let next: string | undefined;

  const provider = new Provider(issuer, {
    clients: options.clients,
    claims: { openid: ['sub'], email: ['email', 'email_verified', 'mail'], profile: ['name', 'display_name'], groups: ['groups', 'roles'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: options.claimsInIdToken === false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: () => ({ ...claims, sub }) } : undefined;
    },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    // The login page: signs in as the user the test chose.
    void (async () => {
      if (!next) throw new Error('test OP: no user chosen with loginAs()');
      await provider.interactionFinished(req, res, { login: { accountId: next } }, { mergeWithLastSubmission: false });
    })().catch((err: Error) => {
      res.statusCode = 500;
      res.end(err.message);
    });
  });

  return {
    issuer,
    provider,
    loginAs(accountId, claims) {
      accounts.set(accountId, claims);
      next = accountId;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A confidential client for a gateway connection. */
export const opClient = (clientId: string, redirectUri: string): ClientMetadata => ({
  client_id: clientId,
  client_secret: CLIENT_SECRET,
  redirect_uris: [redirectUri],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
});
