// Structured logs (pino). Secrets never reach a log line: the known carriers of
// secrets are redacted wherever they sit, and callers log reason codes, not payloads.
import { pino, type Logger } from 'pino';
import { requestLogFields } from './request-context.js';

export type { Logger };

export const REDACTED_KEYS = [
  'password', 'secret', 'client_secret', 'token', 'authorization', 'cookie', 'set-cookie',
  'SAMLResponse', 'SAMLRequest', 'code', 'id_token', 'access_token', 'refresh_token', 'code_verifier',
];

export function createLogger(options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.DOORMAN_LOG_LEVEL ?? 'info';
  const key = (k: string) => (/^[A-Za-z_]+$/.test(k) ? { top: k, nested: `.${k}` } : { top: `["${k}"]`, nested: `["${k}"]` });
  const paths = REDACTED_KEYS.map(key).flatMap(({ top, nested }) => [top, `*${nested}`, `*.*${nested}`]);
  const redact = { paths, censor: '[redacted]' };
  // Every line written while a request runs carries its request id.
  const mixin = requestLogFields;
  if (options.pretty ?? process.env.DOORMAN_LOG_PRETTY === '1') {
    return pino({ level, redact, mixin, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return options.destination ? pino({ level, redact, mixin }, options.destination) : pino({ level, redact, mixin });
}
