// Why a request to the upstream failed, as the reason code logged and answered.
import type { RefusalReason } from './refusals.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** upstream-unreachable (no connection: 502), upstream-timeout (headers, or the next body chunk, late: 504), else upstream-error (502). */
export function upstreamFailure(err: Error): RefusalReason {
  const { code } = err as NodeJS.ErrnoException;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'upstream-timeout';
  if (code !== undefined && UNREACHABLE.has(code)) return 'upstream-unreachable';
  return 'upstream-error';
}
