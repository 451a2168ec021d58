// A small, deliberately broken OpenID provider: it serves discovery, a JWKS and an
// authorization endpoint like a real one, but its token endpoint answers with the ID
// token shape the test asks for (alg none, HS256 keyed with the public key, wrong aud,
// expired, signed by a key not in the JWKS). It can also pose as Entra ID multi-tenant.
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export type TokenShape = 'good' | 'alg-none' | 'hs256-public-key' | 'wrong-aud' | 'expired' | 'foreign-key';

export const ENTRA_ORIGIN = 'https://login.microsoftonline.com';

export interface HostileOp {
  /** Where the server really listens. */
  origin: string;
  /** The issuer to configure: this server's origin, or Entra's "organizations" URL in Entra mode. */
  issuer: string;
  shape: TokenShape;
  /** Entra mode: the tid (and tenant in iss) of the next token. */
  tenant: string;
  claims: JWTPayload;
  close(): Promise<void>;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startHostileOp(options: { entra?: boolean } = {}): Promise<HostileOp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const publicPem = await exportSPKI(publicKey);
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' };
  const codes = new Map<string, { nonce: string; clientId: string }>();

  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = options.entra ? `${ENTRA_ORIGIN}/organizations` : origin;
  const op: HostileOp = {
    origin,
    issuer: options.entra ? `${base}/v2.0` : origin,
    shape: 'good',
    tenant: 'tenant-a',
    claims: {},
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const tokenIssuer = () => (options.entra ? `${ENTRA_ORIGIN}/${op.tenant}/v2.0` : origin);

  async function idToken(clientId: string, nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: tokenIssuer(),
      sub: 'mallory',
      aud: op.shape === 'wrong-aud' ? 'another-client' : clientId,
      nonce,
      iat: op.shape === 'expired' ? now - 7200 : now,
      exp: op.shape === 'expired' ? now - 3600 : now + 300,
      ...(options.entra ? { tid: op.tenant } : {}),
      ...op.claims,
    };
    const sign = (key: CryptoKey) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
    switch (op.shape) {
      case 'alg-none':
        return `${b64({ alg: 'none' })}.${b64(claims)}.`;
      case 'hs256-public-key': {
        const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64(claims)}`;
        return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
      }
      case 'foreign-key':
        return sign(foreign.privateKey);
      default:
        return sign(privateKey);
    }
  }

  const json = (res: ServerResponse, body: object) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const form = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return new URLSearchParams(text);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const path = url.pathname.replace(/^\/organizations/, '');
      if (path.endsWith('/.well-known/openid-configuration')) {
        return json(res, {
          issuer: options.entra ? `${ENTRA_ORIGIN}/{tenantid}/v2.0` : origin,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (path === '/jwks') return json(res, { keys: [jwk] });
      if (path === '/authorize') {
        const code = randomBytes(16).toString('hex');
        codes.set(code, { nonce: url.searchParams.get('nonce') ?? '', clientId: url.searchParams.get('client_id') ?? '' });
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.statusCode = 302;
        res.setHeader('location', back.href);
        return res.end();
      }
      if (path === '/token' && req.method === 'POST') {
        const grant = codes.get((await form(req)).get('code') ?? '');
        if (!grant) {
          res.statusCode = 400;
          return json(res, { error: 'invalid_grant' });
        }
        return json(res, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: await idToken(grant.clientId, grant.nonce) });
      }
      res.statusCode = 404;
      res.end();
    })().catch((err: Error) => {
      res.statusCode = 500;
      res.end(err.message);
    });
  });
  return op;
}
