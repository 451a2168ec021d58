// autocannon as a library, in this process: keep-alive connections, for a fixed time or a
// fixed number of requests. autocannon stops an `amount` run only at its one-second sampling
// tick, so a rate must come from a timed run: an `amount` finished in 0.3 s reads as 1 s.
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  durationMs: number;
}

export interface LoadOptions {
  url: string;
  /** How long to run (seconds), or how many requests in all (no rate then: see above). */
  run: { seconds: number } | { amount: number };
  connections?: number;
  headers?: Record<string, string>;
  /** Varies each request (e.g. one of many cookies). */
  setupRequest?: (req: autocannon.Request) => autocannon.Request;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const result = await autocannon({
    url: opts.url,
    ...('seconds' in opts.run ? { duration: opts.run.seconds } : { amount: opts.run.amount }),
    connections: opts.connections ?? 32,
    pipelining: 1,
    headers: opts.headers ?? {},
    ...(opts.setupRequest ? { requests: [{ setupRequest: opts.setupRequest }] } : {}),
  });
  const durationMs = performance.now() - started;
  const requests = result.requests.total;
  return {
    requestsPerSecond: (requests / durationMs) * 1000,
    requests,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    durationMs,
  };
}
