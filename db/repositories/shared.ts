// Helpers the repositories share.
import type { Knex } from 'knex';
import { asUniqueViolation } from '../errors.js';

/** Runs fn in a transaction: the current one when knex is already a transaction, else a new one. */
export function inTransaction<T>(knex: Knex, fn: (trx: Knex) => Promise<T>): Promise<T> {
  return knex.isTransaction ? fn(knex) : knex.transaction((trx) => fn(trx));
}

/**
 * Runs a write that may clash with a unique key; a clash becomes UniqueViolation.
 * Inside a transaction the write gets a savepoint of its own, so after a clash the
 * transaction stays usable on PostgreSQL too (a caller may catch, look the row up and go on).
 */
export async function uniqueGuarded<T>(knex: Knex, write: (knex: Knex) => Promise<T>): Promise<T> {
  try {
    return knex.isTransaction ? await knex.transaction((savepoint) => write(savepoint)) : await write(knex);
  } catch (err) {
    throw asUniqueViolation(err) ?? err;
  }
}

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
