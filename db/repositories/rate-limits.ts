// Fixed-window rate-limit counters in the database, so every gateway process
// counts against the same limit. One statement per claim of one or more hits.
import type { Knex } from 'knex';
import { rowsOf } from './shared.js';

export interface RateLimitsRepository {
  /**
   * Counts `hits` (default 1) on key; returns the count in the current window, these
   * hits included, and when the window started.
   */
  hit(key: string, windowMs: number, now: number, hits?: number): Promise<{ count: number; windowStart: number }>;
  deleteExpired(before: number): Promise<number>;
}

export function rateLimitsRepository(knex: Knex): RateLimitsRepository {
  return {
    async hit(key, windowMs, now, hits = 1) {
      const fresh = now - windowMs;
      const result = await knex.raw(
        `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.window_start <= ? THEN ? ELSE rate_limits.count + ? END,
           window_start = CASE WHEN rate_limits.window_start <= ? THEN ? ELSE rate_limits.window_start END
         RETURNING count, window_start`,
        [key, now, hits, fresh, hits, hits, fresh, now],
      );
      const rows = rowsOf<{ count: number; window_start: number }>(result);
      return { count: Number(rows[0].count), windowStart: Number(rows[0].window_start) };
    },
    async deleteExpired(before) {
      return knex('rate_limits').where('window_start', '<', before).delete();
    },
  };
}
