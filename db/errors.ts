// Typed database errors, the same on SQLite and PostgreSQL.

/** A row clashed with a unique key (primary key, UNIQUE constraint or unique index). */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';

  constructor(
    readonly table: string,
    readonly columns: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Unique key violated on ${table}(${columns.join(', ')})`, options);
  }
}

/** The user already has an open license request. */
export class OpenRequestExists extends Error {
  override readonly name = 'OpenRequestExists';

  constructor(
    readonly userId: string,
    options?: ErrorOptions,
  ) {
    super(`User ${userId} already has an open license request`, options);
  }
}

interface DriverError {
  code?: unknown;
  message: string;
  table?: unknown;
  detail?: unknown;
}

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const PG_UNIQUE_VIOLATION = '23505';

/**
 * The driver error as a UniqueViolation, or undefined when it is something else.
 * The values of the clashing key (e.g. an email) are kept out of the message; they stay in `cause`.
 */
export function asUniqueViolation(err: unknown): UniqueViolation | undefined {
  if (!(err instanceof Error)) return undefined;
  const e: DriverError = err;
  if (typeof e.code === 'string' && SQLITE_UNIQUE_CODES.has(e.code)) {
    // "UNIQUE constraint failed: users.account_id, users.email_lower"
    const qualified = /UNIQUE constraint failed: ([^\s,]+(?:, [^\s,]+)*)/.exec(e.message)?.[1]?.split(', ') ?? [];
    const table = qualified[0]?.split('.')[0] ?? 'unknown';
    return new UniqueViolation(table, qualified.map((c) => c.slice(c.indexOf('.') + 1)), { cause: err });
  }
  if (e.code === PG_UNIQUE_VIOLATION) {
    // detail: "Key (account_id, email_lower)=(acme, ann@example.com) already exists."
    const columns = typeof e.detail === 'string' ? (/^Key \((.+?)\)=/.exec(e.detail)?.[1]?.split(', ') ?? []) : [];
    return new UniqueViolation(typeof e.table === 'string' ? e.table : 'unknown', columns, { cause: err });
  }
  return undefined;
}
