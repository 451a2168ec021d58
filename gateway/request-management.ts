// How admins hear of license requests and domain access requests, as the account's
// request_management says: email to the recipients at once, a signed webhook
// through the outbox (see webhook-delivery), a daily digest (see request-digest),
// or nobody.
import type { Account } from '../policies/model.js';
import { sendMail } from './mail.js';
import { escapeHtml } from './pages.js';
import type { Runtime } from './runtime.js';

export type RequestEvent =
  | { kind: 'license-request'; id: string; email: string; note: string | null; createdAt: number }
  | { kind: 'access-request'; id: string; email: string; name: string | null; createdAt: number };

/** The webhook body: stable field names, documented in the README. */
function webhookPayload(account: Account, event: RequestEvent, consoleUrl: string) {
  const { kind, ...request } = event;
  return { event: `${kind}.created`, account: account.id, request, console: consoleUrl };
}

const describe = (account: Account, e: RequestEvent) =>
  e.kind === 'license-request'
    ? { subject: `${e.email} asks for a Full license in ${account.name}`, line: `${e.email} asks for a Full license in ${account.name}.${e.note ? ` Their note: ${e.note}` : ''}` }
    : { subject: `${e.email} asks to join ${account.name}`, line: `${e.email} signed in and asks to join ${account.name}.` };

export async function notifyAdmins(runtime: Runtime, account: Account, event: RequestEvent): Promise<void> {
  const rm = account.requestManagement;
  const gateway = runtime.policies().gateway;
  const consoleUrl = `${gateway.publicUrl}/admin/requests`;
  const fields = { reason: `${event.kind}-opened`, account: account.id, request: event.id, notify: rm.mode };
  if (rm.mode === 'webhook' && rm.webhook) {
    const body = JSON.stringify(webhookPayload(account, event, consoleUrl));
    await runtime.repos.webhookOutbox.enqueue({ accountId: account.id, event: `${event.kind}.created`, url: rm.webhook.url, body, createdAt: Date.now() });
  } else if (rm.mode === 'email') {
    const { subject, line } = describe(account, event);
    for (const to of rm.recipients ?? []) {
      await sendMail(gateway, {
        to,
        subject,
        text: `${line} Approve or deny the request: ${consoleUrl}`,
        html: `<p>${escapeHtml(line)}</p><p><a href="${escapeHtml(consoleUrl)}">Approve or deny the request</a></p>`,
      }).catch((err: Error) => runtime.log.error({ reason: 'notify-failed', account: account.id, err: err.message }, 'could not mail an admin'));
    }
  }
  // digest: the next daily digest lists every open request; none: nobody is told.
  runtime.log.info(fields, `${event.kind} opened`);
}
