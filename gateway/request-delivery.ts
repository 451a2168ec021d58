// The background loop of request management in `serve`: the webhook outbox and
// the daily digests, every poll interval; one round at a time, never on a request's path.
import { sendDueDigests } from './request-digest.js';
import type { Runtime } from './runtime.js';
import { deliverDueWebhooks } from './webhook-delivery.js';

/** Runs until stopped; a failed round is logged and the next one tries again. */
export function startRequestDelivery(runtime: Runtime): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = async () => {
    try {
      await deliverDueWebhooks(runtime);
      await sendDueDigests(runtime);
    } catch (err) {
      runtime.log.warn({ reason: 'request-delivery-failed', err: (err as Error).message }, 'request delivery round failed');
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => void round(), runtime.policies().gateway.webhooks.pollIntervalMs);
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
