// Expired rows (sessions, sign-up links, rate-limit windows, pending logins) are
// deleted in the background, never on a request's path.
import type { Runtime } from './runtime.js';

export const SWEEP_INTERVAL_MS = 60_000;

export async function sweepExpired(runtime: Runtime, now = Date.now()): Promise<Record<string, number>> {
  const { repos } = runtime;
  const { session, rateLimits } = runtime.policies().gateway;
  return {
    sessions: await repos.sessions.deleteExpired(now, session.idleTimeoutMs),
    signupTokens: await repos.signupTokens.deleteExpired(now),
    samlRequestsAndAssertions: await repos.saml.deleteExpired(now),
    oidcLogins: await repos.oidc.deleteExpired(now),
    rateLimits: await repos.rateLimits.deleteExpired(now - Math.max(rateLimits.signup.windowMs, rateLimits.login.windowMs)),
  };
}

/** Sweeps every interval until stopped; a failed sweep is logged and retried next time. */
export function startSweeper(runtime: Runtime, intervalMs = SWEEP_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    sweepExpired(runtime)
      .then((swept) => runtime.log.debug({ swept }, 'expired rows swept'))
      .catch((err: Error) => runtime.log.warn({ reason: 'sweep-failed', err: err.message }, 'sweeping expired rows failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
