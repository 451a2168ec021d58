// The gateway's signing key: an EC P-256 key that signs X-Doorman-Assertion
// (a JWT, ES256) and is published as a JWKS so the upstream app can verify it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gateway } from '../policies/model.js';

/** Where a generated key is kept, under data_dir. */
export const GENERATED_KEY_FILE = 'identity-signing-key.pem';

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface SigningKey {
  privateKey: KeyObject;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  publicJwk: PublicJwk;
}

/** The claims of X-Doorman-Assertion besides iat and exp. */
export interface AssertionClaims {
  iss: string;
  aud: string;
  sub: string;
  email: string;
  name?: string;
  account: string;
  teams: string[];
  license: string;
}

/**
 * identity.signing_key (a PEM, or the path of a PEM file), else the key generated once under
 * data_dir (mode 0600) and reused afterwards. Throws when the key is not an EC P-256 private key.
 */
export function loadSigningKey(gateway: Pick<Gateway, 'identity' | 'dataDir'>): SigningKey {
  const configured = gateway.identity.signingKey;
  const pem =
    configured === undefined ? generatedKey(gateway.dataDir) : configured.includes('-----BEGIN') ? configured : readFileSync(configured, 'utf8');
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('identity.signing_key must be an EC P-256 private key');
  }
  const { x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof x !== 'string' || typeof y !== 'string') throw new Error('identity.signing_key: cannot export the public key');
  const kid = createHash('sha256').update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y })).digest('base64url');
  return { privateKey, kid, publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } };
}

/** The key file under dataDir, created when missing; two processes starting at once end up with the same key. */
function generatedKey(dataDir: string): string {
  const file = join(dataDir, GENERATED_KEY_FILE);
  const existing = readIfExists(file);
  if (existing !== undefined) return existing;
  mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Written whole under a temporary name, then linked into place: link() fails when another process won.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, pem, { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return pem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A compact JWS (ES256) of the claims, valid from nowSeconds for lifetimeSeconds. */
export function signAssertion(key: SigningKey, claims: AssertionClaims, nowSeconds: number, lifetimeSeconds: number): string {
  const header = base64url({ alg: 'ES256', typ: 'JWT', kid: key.kid });
  const payload = base64url({ ...claims, iat: nowSeconds, exp: nowSeconds + lifetimeSeconds });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
