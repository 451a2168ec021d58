// What every route needs: the live policies, the database and the log.
import type { Database, Repos } from '../db/index.js';
import type { Policies } from '../policies/model.js';
import type { Logger } from './log.js';
import type { ReloadStatus } from './reload.js';

export interface Runtime {
  /** The policies in force; read it per request, a reload swaps it. */
  policies(): Policies;
  /** The hot reload's state (serve only): the version in force, the last refused reload. */
  reloadStatus?(): ReloadStatus;
  db: Database;
  repos: Repos;
  log: Logger;
}
