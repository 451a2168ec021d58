// Which headers cross the gateway, both ways: hop-by-hop headers stay behind, the
// client's X-Doorman-* and X-Forwarded-Host/Proto never reach the upstream, and
// neither does the gateway's own session cookie.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** RFC 9110 7.6.1, plus what undici sets itself (host, expect) or the gateway replaces. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'expect', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-request-id',
]);
const HOP_BY_HOP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface ForwardedFor {
  /** The public URL's scheme without the colon, e.g. https. */
  proto: string;
  /** The public URL's host (and port). */
  host: string;
  sessionCookie: string;
}

/**
 * The headers to send upstream as flat name/value pairs: the client's, filtered, then
 * X-Forwarded-For (the client's address appended), -Proto, -Host, the gateway's
 * X-Request-Id (the client's only when the gateway kept it), then the identity headers.
 */
export function upstreamRequestHeaders(req: IncomingMessage, forwarded: ForwardedFor, requestId: string, identity: readonly string[]): string[] {
  const raw = req.rawHeaders;
  const listed = connectionListed(req.headers.connection);
  const out: string[] = [];
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    if (lower.startsWith('x-doorman-') || listed?.has(lower)) continue;
    if (NOT_FORWARDED.has(lower)) {
      if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
      continue;
    }
    const value = lower === 'cookie' ? withoutCookie(raw[i + 1], forwarded.sessionCookie) : raw[i + 1];
    if (value !== '') out.push(name, value);
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  out.push(
    'x-forwarded-for', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`,
    'x-forwarded-proto', forwarded.proto,
    'x-forwarded-host', forwarded.host,
    'x-request-id', requestId,
  );
  for (const item of identity) out.push(item);
  return out;
}

/** Copies the upstream's response headers onto res, hop-by-hop ones left out; Set-Cookie adds to any the gateway set. */
export function copyResponseHeaders(headers: ResponseHeaders, res: ServerResponse): void {
  const listed = connectionListed(headers.connection);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP_RESPONSE.has(name) || listed?.has(name)) continue;
    if (name === 'set-cookie' && res.hasHeader(name)) res.appendHeader(name, value);
    else res.setHeader(name, value);
  }
}

/**
 * A response head for a raw socket (upgrade requests). The 101 keeps every header (Connection
 * and Upgrade belong to it); any other answer loses its hop-by-hop headers and closes the connection.
 */
export function rawResponseHead(statusCode: number, headers: ResponseHeaders): string {
  const switching = statusCode === 101;
  const listed = switching ? undefined : connectionListed(headers.connection);
  let head = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || (!switching && (HOP_BY_HOP_RESPONSE.has(name) || listed?.has(name)))) continue;
    for (const item of Array.isArray(value) ? value : [value]) head += `${name}: ${item}\r\n`;
  }
  return `${head}${switching ? '' : 'connection: close\r\n'}\r\n`;
}

/** Header names a Connection header lists (they are hop-by-hop too); undefined when none. */
function connectionListed(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  const names = new Set<string>();
  for (const token of String(connection).split(',')) names.add(token.trim().toLowerCase());
  return names;
}

/** The Cookie header without the named cookie ('' when nothing is left). */
function withoutCookie(header: string, name: string): string {
  if (!header.includes(name)) return header;
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => {
      const eq = pair.indexOf('=');
      return (eq === -1 ? pair : pair.slice(0, eq)).trim() !== name;
    })
    .join('; ');
}
