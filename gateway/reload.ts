// Policy hot reload: on SIGHUP and when a file in the policies folder changes, the
// folder is validated and, when sound, the accounts are synced to the database and
// the new policies swapped in at once. Requests already running keep the Policies
// object they read. An invalid change keeps the last good policies and every
// problem is logged (file:line:col); /readyz reports it until a good version arrives.
import { watch, type FSWatcher } from 'node:fs';
import { loadPolicies } from '../policies/load.js';
import { formatProblem, type Policies } from '../policies/model.js';
import type { Logger } from './log.js';
import { countReload } from './metrics.js';

export type ReloadResult = 'applied' | 'unchanged' | 'invalid' | 'failed';

export interface ReloadStatus {
  /** The version in force and when it was applied. */
  version: string;
  appliedAt: number;
  /** The last reload that was refused, until a good version is applied. */
  failed: { at: number; result: 'invalid' | 'failed'; problems: string[] } | null;
}

export interface PolicyStore {
  current(): Policies;
  status(): ReloadStatus;
  /** Reloads are run one at a time, in order. */
  reload(trigger: string): Promise<ReloadResult>;
  /** Reloads on changes in the policies folder, after quietMs without one; returns the stop function. */
  watchFolder(quietMs?: number): () => void;
}

export interface PolicyStoreOptions {
  initial: Policies;
  log: Logger;
  /** Writes the accounts, teams and seat totals of a new version to the database. */
  sync(policies: Policies): Promise<void>;
  env?: NodeJS.ProcessEnv;
}

export function createPolicyStore({ initial, log, sync, env = process.env }: PolicyStoreOptions): PolicyStore {
  let policies = initial;
  let status: ReloadStatus = { version: initial.version, appliedAt: Date.now(), failed: null };
  let queue: Promise<unknown> = Promise.resolve();

  async function reloadNow(trigger: string): Promise<ReloadResult> {
    const loaded = loadPolicies(policies.dir, env);
    for (const w of loaded.warnings) log.warn({ reason: 'policy-warning', problem: formatProblem(w) }, 'policy warning');
    if (!loaded.ok) {
      const problems = loaded.problems.map(formatProblem);
      for (const problem of problems) log.error({ reason: 'policy-invalid', trigger, problem }, 'policy reload refused');
      log.error({ reason: 'policy-reload-refused', trigger, problems: problems.length, version: policies.version }, 'policy reload refused: the last good policies stay in force');
      status = { ...status, failed: { at: Date.now(), result: 'invalid', problems } };
      return 'invalid';
    }
    const next = loaded.policies;
    if (next.version === policies.version) {
      status = { ...status, failed: null };
      return 'unchanged';
    }
    try {
      await sync(next);
    } catch (err) {
      const problem = `syncing the accounts to the database failed: ${(err as Error).message}`;
      log.error({ reason: 'policy-sync-failed', trigger, version: next.version, err: (err as Error).message }, 'policy reload failed: the last good policies stay in force');
      status = { ...status, failed: { at: Date.now(), result: 'failed', problems: [problem] } };
      return 'failed';
    }
    const previous = policies.version;
    policies = next;
    status = { version: next.version, appliedAt: Date.now(), failed: null };
    log.info({ reason: 'policy-reloaded', trigger, previous, version: next.version, accounts: next.accounts.length }, 'policies reloaded');
    return 'applied';
  }

  const store: PolicyStore = {
    current: () => policies,
    status: () => status,
    reload(trigger) {
      const run = queue
        .then(() => reloadNow(trigger))
        .catch((err: Error) => {
          log.error({ reason: 'policy-reload-failed', trigger, err: err.message }, 'policy reload failed: the last good policies stay in force');
          return 'failed' as const;
        });
      queue = run;
      return run.then((result) => {
        countReload(result);
        return result;
      });
    },
    watchFolder(quietMs = 300) {
      let timer: NodeJS.Timeout | undefined;
      const watcher: FSWatcher = watch(policies.dir, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void store.reload('file-change'), quietMs);
      });
      watcher.on('error', (err) => log.warn({ reason: 'policy-watch-failed', err: err.message }, 'watching the policies folder failed; SIGHUP still reloads'));
      return () => {
        clearTimeout(timer);
        watcher.close();
      };
    },
  };
  return store;
}
