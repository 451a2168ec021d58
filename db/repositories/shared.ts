// Helpers the repositories share.
import type { Knex } from 'knex';
import { asUniqueViolation } from '../errors.js';

/** Runs fn in a transaction: the current one when knex is already a transaction, else a new one. */
export function inTransaction<T>(knex: Knex, fn: (trx: Knex) => Promise<T>): Promise<T> {
  return knex.isTransaction ? fn(knex) : knex.transaction((trx) => fn(trx));
}

/** Which SQL dialect a knex instance speaks. */
export const engineOf = (knex: Knex): 'sqlite' | 'postgres' => ((knex.client as { config: { client: string } }).config.client === 'pg' ? 'postgres' : 'sqlite');

export interface GuardOptions {
  /**
   * Only the write's first statement can clash (true of every one-statement write). On SQLite
   * a failed statement undoes itself and the transaction stays usable, so a clash there leaves
   * nothing of such a write behind without a savepoint.
   */
  clashesOnlyInFirstStatement?: boolean;
}

/**
 * Runs a write that may clash with a unique key; a clash becomes UniqueViolation.
 * Inside a transaction the write gets a savepoint of its own, so after a clash the
 * transaction stays usable on PostgreSQL too (a caller may catch, look the row up and go on)
 * and nothing of the write stays behind; SQLite needs none for a write whose clash can
 * only come from its first statement (see GuardOptions).
 */
export async function uniqueGuarded<T>(knex: Knex, write: (knex: Knex) => Promise<T>, options: GuardOptions = {}): Promise<T> {
  const savepoint = knex.isTransaction && !(options.clashesOnlyInFirstStatement && engineOf(knex) === 'sqlite');
  try {
    return savepoint ? await knex.transaction((trx) => write(trx)) : await write(knex);
  } catch (err) {
    throw asUniqueViolation(err) ?? err;
  }
}

/** uniqueGuarded for a write of a single statement. */
export const uniqueGuardedStatement = <T>(knex: Knex, write: (knex: Knex) => Promise<T>): Promise<T> =>
  uniqueGuarded(knex, write, { clashesOnlyInFirstStatement: true });

/** SQLite has no boolean type and returns 0/1. */
export type DbBoolean = boolean | number;

/** The single number of a `count(*) as n` row (int8 comes back as a number, see connection.ts). */
export function countOf(row: { n?: string | number } | undefined): number {
  return Number(row?.n ?? 0);
}

/** The rows of a knex.raw result: better-sqlite3 returns them, pg a result object holding them. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
