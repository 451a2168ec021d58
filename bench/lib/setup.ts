// Shared setup: the run's settings, a policies folder for one account, free ports, a database.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testAccount, writePolicies } from '../../test/helpers/policies.js';

export interface BenchConfig {
  quick: boolean;
  /** Repetitions of each measurement; the median is reported. */
  reps: number;
  /** When set, the gateway writes a CPU profile there (one repetition, figures ignored). */
  cpuProfDir?: string;
}

export const ACCOUNT = 'acme';
export const DOMAIN = 'acme.test';

export { freePort } from '../../test/helpers/ports.js';

/** A fresh SQLite file URL. */
export const sqliteUrl = (): string => `sqlite:${join(mkdtempSync(join(tmpdir(), 'doorman-bench-db-')), 'gateway.sqlite')}`;

/**
 * gateway.yaml and one account (acme, domain acme.test) with plenty of Full seats, so every
 * first login takes the seat-reserving path; the login rate limit is lifted (it still counts).
 */
export function benchPolicies(opts: { publicUrl: string; upstreamUrl: string; connections?: Record<string, unknown>[]; extraGateway?: Record<string, unknown> }): string {
  return writePolicies(
    {
      public_url: opts.publicUrl,
      upstream_url: opts.upstreamUrl,
      rate_limits: { login: { per_client: 100_000_000 } },
      ...opts.extraGateway,
    },
    [
      testAccount(ACCOUNT, DOMAIN, {
        licensing: { program: 'standard', seats: { full: 10_000_000 } },
        domains: [{ name: DOMAIN, control: 'off', verification: { method: 'manual', verified: true } }],
        ...(opts.connections ? { connections: opts.connections } : {}),
      }),
    ],
  );
}

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};
