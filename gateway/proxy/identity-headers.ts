// The X-Doorman-* headers the upstream receives for a signed-in session, the signed
// assertion among them. Signing costs tens of microseconds, so each session's headers
// are kept and re-signed only when the assertion has less than half its life left.
import type { ActiveSession } from '../identity.js';
import { signAssertion, type AssertionClaims, type SigningKey } from '../identity-token.js';

const ASSERTION_LIFETIME_S = 60;
const RENEW_WHEN_LEFT_S = 30;
const MAX_CACHED_SESSIONS = 10_000;

interface Cached {
  /** Everything the headers depend on: a change (new license, renamed user, policy reload) re-signs. */
  fingerprint: string;
  renewAtSeconds: number;
  /** Flat name/value pairs. */
  headers: string[];
}

export class IdentityHeaders {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly key: SigningKey,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Flat name/value pairs: X-Doorman-User, -Email, -Name (when known), -Account, -Teams, -License, -Assertion. */
  for(session: ActiveSession, issuer: string, audience: string): string[] {
    const now = Math.floor(this.nowMs() / 1000);
    const teams = session.teams.join(',');
    const fingerprint = `${issuer}\n${audience}\n${session.userId}\n${session.email}\n${session.name}\n${session.accountId}\n${teams}\n${session.license}`;
    const cached = this.cache.get(session.idHash);
    if (cached && cached.fingerprint === fingerprint && now < cached.renewAtSeconds) return cached.headers;

    const claims: AssertionClaims = {
      iss: issuer,
      aud: audience,
      sub: session.userId,
      email: session.email,
      ...(session.name === null ? {} : { name: session.name }),
      account: session.accountId,
      teams: session.teams,
      license: session.license,
    };
    const headers = ['x-doorman-user', session.userId, 'x-doorman-email', headerSafe(session.email)];
    if (session.name !== null) headers.push('x-doorman-name', headerSafe(session.name));
    headers.push(
      'x-doorman-account', session.accountId,
      'x-doorman-teams', teams,
      'x-doorman-license', session.license,
      'x-doorman-assertion', signAssertion(this.key, claims, now, ASSERTION_LIFETIME_S),
    );
    this.remember(session.idHash, { fingerprint, renewAtSeconds: now + ASSERTION_LIFETIME_S - RENEW_WHEN_LEFT_S, headers }, now);
    return headers;
  }

  private remember(idHash: string, entry: Cached, now: number): void {
    this.cache.delete(idHash);
    if (this.cache.size >= MAX_CACHED_SESSIONS) {
      // Drop what would be re-signed anyway; when every entry is fresh, the oldest (a Map keeps insertion order).
      for (const [key, value] of this.cache) if (value.renewAtSeconds <= now) this.cache.delete(key);
      const oldest = this.cache.keys().next();
      if (this.cache.size >= MAX_CACHED_SESSIONS && !oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(idHash, entry);
  }
}

const PLAIN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const EXT_VALUE_PREFIX = "UTF-8''";
/** RFC 8187 attr-char: what an ext-value carries unencoded. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * A header value for free text (names, emails): printable ASCII as is; anything else
 * (non-ASCII, control characters, edge spaces, or a value that itself starts with UTF-8'')
 * as an RFC 8187 ext-value, `UTF-8''` followed by the percent-encoded UTF-8 bytes.
 * Decode: if the value starts with UTF-8'', decodeURIComponent the rest.
 */
export function headerSafe(value: string): string {
  if (PLAIN.test(value) && !value.startsWith(EXT_VALUE_PREFIX)) return value;
  let encoded = EXT_VALUE_PREFIX;
  // Buffer.from replaces lone surrogates with U+FFFD, where encodeURIComponent would throw.
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
