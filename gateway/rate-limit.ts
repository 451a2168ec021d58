// Rate limits shared by every gateway process: the count lives in the database. A
// process claims hits from it in batches (a lease) and spends them locally, so a busy
// limit costs one write per batch instead of one per request, and a client refused for
// the rest of a window costs no write at all.
//
// A batch is a twentieth of the limit (at least one): small limits, such as sign-up
// mails per address, stay exact. For larger ones, hits a process claimed but did not
// spend before the window ends are lost: a client may be refused up to
// (processes x batch) hits early, and is never let through more than the limit.
import type { Context } from 'koa';
import type { Repos } from '../db/index.js';
import { countRateLimited } from './metrics.js';
import type { Runtime } from './runtime.js';

/** Hits claimed at once: this fraction of the limit. */
const BATCH_FRACTION = 1 / 20;

interface Lease {
  windowEnd: number;
  /** Hits claimed and not spent yet; 0 with `exhausted` when the database had none left. */
  left: number;
  exhausted: boolean;
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly leases = new Map<string, Lease>();
  /** A claim under way per key: requests arriving meanwhile wait for it instead of claiming too. */
  private readonly claims = new Map<string, Promise<void>>();
  private nextSweep = 0;

  constructor(private readonly repos: Pick<Repos, 'rateLimits'>) {}

  /** Spends one hit of key's limit in the window, claiming a batch from the database when none is left here. */
  async take(key: string, limit: number, windowMs: number, now = Date.now()): Promise<Verdict> {
    for (;;) {
      const lease = this.leases.get(key);
      if (lease && lease.windowEnd > now && (lease.left > 0 || lease.exhausted)) {
        if (lease.exhausted) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((lease.windowEnd - now) / 1000)) };
        lease.left -= 1;
        return { allowed: true };
      }
      // None left here: claim (or wait for the claim under way), then look again.
      let claim = this.claims.get(key);
      if (!claim) {
        claim = this.claim(key, limit, windowMs, now).finally(() => this.claims.delete(key));
        this.claims.set(key, claim);
      }
      await claim;
    }
  }

  private async claim(key: string, limit: number, windowMs: number, now: number): Promise<void> {
    const batch = Math.max(1, Math.floor(limit * BATCH_FRACTION));
    const { count, windowStart } = await this.repos.rateLimits.hit(key, windowMs, now, batch);
    // The hits of this claim still under the limit; the rest are spent on nothing.
    const granted = Math.max(0, Math.min(batch, limit - (count - batch)));
    this.leases.set(key, { windowEnd: windowStart + windowMs, left: granted, exhausted: granted === 0 });
    this.forgetEnded(now);
  }

  /** Leases of ended windows go (at most once a second): the map holds the keys of current windows, as the table does. */
  private forgetEnded(now: number): void {
    if (this.leases.size < 1024 || now < this.nextSweep) return;
    this.nextSweep = now + 1000;
    for (const [key, lease] of this.leases) if (lease.windowEnd <= now) this.leases.delete(key);
  }
}

/** One limiter per database the process uses (a test process may run several). */
const limiters = new WeakMap<Repos, RateLimiter>();

const limiterOf = (repos: Repos): RateLimiter => {
  let limiter = limiters.get(repos);
  if (!limiter) limiters.set(repos, (limiter = new RateLimiter(repos)));
  return limiter;
};

/** False (and a 429 with Retry-After already set on ctx) when key is over its limit. */
export async function withinLimit(runtime: Runtime, ctx: Context, key: string, limit: number, windowMs: number): Promise<boolean> {
  const verdict = await limiterOf(runtime.repos).take(key, limit, windowMs);
  if (verdict.allowed) return true;
  ctx.status = 429;
  ctx.set('Retry-After', String(verdict.retryAfterSeconds));
  const name = key.split(':')[0];
  countRateLimited(name);
  runtime.log.warn({ reason: 'rate-limited', route: ctx.path, limit: name }, 'request refused');
  return false;
}
