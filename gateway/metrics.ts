// Prometheus metrics (prom-client), one registry per process. Modules count through
// the small functions below; seat gauges are read from the database at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Runtime } from './runtime.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const logins = new Counter({
  name: 'doorman_logins_total',
  help: 'Logins by protocol (saml, oidc, email), connection and result reason (login-ok, or the refusal reason)',
  labelNames: ['protocol', 'connection', 'reason'] as const,
  registers: [registry],
});

const decisions = new Counter({
  name: 'doorman_provisioning_decisions_total',
  help: 'License decisions by route (jit, scim, domain-control, invitations, admin-change) and license (or refused, none)',
  labelNames: ['route', 'license'] as const,
  registers: [registry],
});

const seats = new Gauge({
  name: 'doorman_seats',
  help: 'Full seats per account, used and free (read from the database at scrape time)',
  labelNames: ['account', 'state'] as const,
  registers: [registry],
});

const scimRequests = new Counter({
  name: 'doorman_scim_requests_total',
  help: 'SCIM requests by operation and HTTP status',
  labelNames: ['operation', 'status'] as const,
  registers: [registry],
});

const proxyLatency = new Histogram({
  name: 'doorman_proxy_request_duration_seconds',
  help: 'Proxied requests, from dispatch to the end of the response, by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

const reloads = new Counter({
  name: 'doorman_policy_reloads_total',
  help: 'Policy reloads by result (applied, unchanged, invalid, failed)',
  labelNames: ['result'] as const,
  registers: [registry],
});

const rateLimited = new Counter({
  name: 'doorman_rate_limited_total',
  help: 'Requests refused with 429, by limit',
  labelNames: ['limit'] as const,
  registers: [registry],
});

export const countLogin = (protocol: string, connection: string | null | undefined, reason: string): void =>
  logins.inc({ protocol, connection: connection ?? '', reason });

export const countDecision = (route: string, license: string): void => decisions.inc({ route, license });

/** For the SCIM routes: one call per request, e.g. countScimRequest('create-user', 201). */
export const countScimRequest = (operation: string, status: number): void => scimRequests.inc({ operation, status: String(status) });

export const countReload = (result: 'applied' | 'unchanged' | 'invalid' | 'failed'): void => reloads.inc({ result });

export const countRateLimited = (limit: string): void => rateLimited.inc({ limit });

/** Starts a proxy latency timer; call the result with the exchange's outcome. */
export const timeProxyRequest = (): ((outcome: string) => void) => {
  const end = proxyLatency.startTimer();
  return (outcome) => end({ outcome });
};

/** The exposition text, with the seat gauges refreshed from the database. */
export async function scrape(runtime: Runtime): Promise<string> {
  seats.reset();
  for (const account of runtime.policies().accounts) {
    const usage = await runtime.repos.seats.usage(account.id);
    seats.set({ account: account.id, state: 'used' }, usage.used);
    seats.set({ account: account.id, state: 'free' }, usage.free);
  }
  return registry.metrics();
}
