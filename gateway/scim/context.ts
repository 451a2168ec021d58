// What every SCIM operation needs: the runtime, and the connection the token belongs to.
import type { Account } from '../../policies/model.js';
import type { Connection } from '../../policies/schema.js';
import type { Runtime } from '../runtime.js';

export interface ScimContext {
  runtime: Runtime;
  account: Account;
  connection: Connection;
  /** "scim:<connection>", for the audit. */
  actor: string;
  /** The connection's SCIM base URL, for meta.location. */
  base: string;
}

/** The team SCIM users join: the connection's, else the account default. */
export const teamOf = (c: ScimContext): string => c.connection.team ?? c.account.defaultTeam;
