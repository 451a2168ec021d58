// A refused (or paused) login: a reason code for the log, a sentence and a
// correlation id for the person.
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { countLogin } from './metrics.js';
import { failurePage } from './pages.js';
import type { Runtime } from './runtime.js';

export class LoginRefused extends Error {
  constructor(
    readonly reason: string,
    readonly publicMessage: string,
    readonly status = 403,
    detail?: string,
    readonly title = 'Sign-in failed',
  ) {
    super(detail ?? reason);
  }
}

/** Render a refusal: the person sees a clear page and a correlation id, the log the reason. */
export function renderRefusal(runtime: Runtime, ctx: Context, err: LoginRefused, fields: Record<string, unknown> = {}): void {
  const correlationId = randomUUID();
  runtime.log.warn({ correlationId, reason: err.reason, detail: err.message, route: ctx.path, ...fields }, 'login refused');
  // Only configured connections become label values: a made-up id in the URL must not grow the metrics.
  const connection = typeof fields.connection === 'string' && runtime.policies().connection(fields.connection) ? fields.connection : null;
  countLogin(protocolOf(ctx.path), connection, err.reason);
  ctx.status = err.status;
  ctx.type = 'html';
  ctx.body = failurePage(err.title, err.publicMessage, correlationId);
}

/** The protocol a login route speaks, for the metrics. */
const protocolOf = (path: string): string => /^\/sso\/(saml|oidc)\//.exec(path)?.[1] ?? (path.startsWith('/sso/invitations') ? 'invitation' : 'email');
