// What every route needs: the live policies, the database and the log.
import type { Database } from '../db/connection.js';
import type { Policies } from '../policies/model.js';
import type { Logger } from './log.js';

export interface Runtime {
  /** The policies in force; read it per request, a reload swaps it. */
  policies(): Policies;
  db: Database;
  log: Logger;
}
