// Sends the webhook outbox: each due message is claimed (one sender at a time,
// across processes), POSTed with an HMAC-SHA256 signature, and marked delivered on
// a 2xx answer; any other answer or a network error schedules a retry with
// exponential backoff. A delivered message is never sent again.
import { createHmac } from 'node:crypto';
import type { ClaimedMessage } from '../db/repositories/webhook-outbox.js';
import type { Runtime } from './runtime.js';

/** Longer than a request may take, so a live sender never loses its claim. */
const LEASE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** At most this many messages per round. */
const BATCH = 20;

/** The signature header's value: sha256=HMAC(secret, "<timestamp>.<body>") in hex. */
const signWebhook = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

const retryDelayMs = (attempts: number, baseMs: number, maxMs: number): number => Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 30));

/** Delivers what is due now; returns how many were delivered. */
export async function deliverDueWebhooks(runtime: Runtime, now = Date.now()): Promise<number> {
  let delivered = 0;
  // One claim per message, so a lease never has to outlast more than one request.
  for (let i = 0; i < BATCH; i++) {
    const [message] = await runtime.repos.webhookOutbox.claimDue(now, LEASE_MS, 1);
    if (!message) break;
    if (await deliverOne(runtime, message)) delivered++;
  }
  return delivered;
}

async function deliverOne(runtime: Runtime, message: ClaimedMessage): Promise<boolean> {
  const { retryBackoffMs, retryBackoffMaxMs } = runtime.policies().gateway.webhooks;
  const secret = runtime.policies().account(message.accountId)?.requestManagement.webhook?.secret;
  const error = secret ? await post(message, secret) : 'the account has no webhook secret any more';
  const outbox = runtime.repos.webhookOutbox;
  const log = { account: message.accountId, delivery: message.id, event: message.event, attempt: message.attempts + 1 };
  if (error === undefined) {
    await outbox.markDelivered(message.id, message.claimToken, Date.now());
    runtime.log.info({ reason: 'webhook-delivered', ...log }, 'webhook delivered');
    return true;
  }
  const retryAt = Date.now() + retryDelayMs(message.attempts, retryBackoffMs, retryBackoffMaxMs);
  await outbox.markFailed(message.id, message.claimToken, error, retryAt);
  runtime.log.warn({ reason: 'webhook-failed', ...log, err: error, retryAt }, 'webhook delivery failed; will retry');
  return false;
}

/** undefined on a 2xx answer, else what went wrong. */
async function post(message: ClaimedMessage, secret: string): Promise<string | undefined> {
  const timestamp = String(Date.now());
  try {
    const res = await fetch(message.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'doorman-webhook',
        'x-doorman-event': message.event,
        'x-doorman-delivery': String(message.id),
        'x-doorman-timestamp': timestamp,
        'x-doorman-signature': signWebhook(secret, timestamp, message.body),
      },
      body: message.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
