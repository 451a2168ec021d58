// SCIM bearer tokens: per connection, stored hashed in its policy (scim.tokens:
// { name, sha256 } or { name, token: ${ENV} }), several at once for rotation.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Account } from '../../policies/model.js';
import type { Connection } from '../../policies/schema.js';
import type { Runtime } from '../runtime.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export interface ScimCaller {
  account: Account;
  connection: Connection;
  /** The name of the token used, for the rate limit and the log (never the token). */
  tokenName: string;
}

/** The connection and token an Authorization header proves, or undefined. A token works only at its own connection. */
export function authenticate(runtime: Runtime, connectionId: string, header: string): ScimCaller | undefined {
  const found = runtime.policies().connection(connectionId);
  const tokens = found?.connection.scim?.tokens;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!found || !tokens || !match) return undefined;
  const presented = sha256(match[1]);
  for (const t of tokens) {
    const expected = t.sha256 ? Buffer.from(t.sha256, 'hex') : t.token ? sha256(t.token) : undefined;
    if (expected && timingSafeEqual(presented, expected)) return { ...found, tokenName: t.name };
  }
  return undefined;
}
