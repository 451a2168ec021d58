// `doorman plan DIR`: what applying the policies in DIR would change, against the
// live database. Exit 0 when nothing would change, 1 when something would, 2 when DIR is invalid.
import { loadPolicies } from '../../policies/load.js';
import { formatProblem, type Policies } from '../../policies/model.js';
import { planChanges, snapshotOf, type AccountHoldings, type PolicySnapshot } from '../../policies/plan.js';
import type { Repos } from '../../db/index.js';
import { openForPolicies, requireMigrated } from '../boot.js';
import type { CommonFlags } from '../settings.js';
import { policiesOrExit } from './load.js';

export async function planCommand(dir: string, flags: CommonFlags): Promise<number> {
  const loaded = loadPolicies(dir);
  for (const w of loaded.warnings) process.stderr.write(`${formatProblem(w)}\n`);
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stdout.write(`${formatProblem(p)}\n`);
    process.stderr.write(`${dir}: the policies are invalid (${loaded.problems.length} problems); nothing to plan\n`);
    return 2;
  }
  const next = loaded.policies;
  // --policies names the folder in force: the fallback for a database that holds no snapshot yet.
  const live = flags.policies ? policiesOrExit(flags) : undefined;
  const opened = await openForPolicies(live ?? next, flags);
  try {
    await requireMigrated(opened);
    const applied = await appliedSnapshot(opened.repos, live);
    const ids = new Set([...applied.snapshot.accounts, ...next.accounts].map((a) => a.id));
    const holdings = new Map<string, AccountHoldings>();
    for (const id of ids) holdings.set(id, await opened.repos.policySnapshots.holdings(id));
    const changes = planChanges(applied.snapshot, snapshotOf(next), (id) => holdings.get(id)!);
    for (const change of changes) process.stdout.write(`${change.line}\n`);
    process.stderr.write(
      `${opened.url}: policies ${applied.version} (${applied.source}) -> ${dir}: ${next.version}: ${changes.length ? `${changes.length} change${changes.length === 1 ? '' : 's'}` : 'no changes'}\n`,
    );
    return changes.length ? 1 : 0;
  } finally {
    await opened.db.close();
  }
}

async function appliedSnapshot(repos: Repos, live: Policies | undefined): Promise<{ snapshot: PolicySnapshot; version: string; source: string }> {
  const latest = await repos.policySnapshots.latest();
  if (latest) return { snapshot: JSON.parse(latest.snapshot) as PolicySnapshot, version: latest.policyVersion, source: `applied ${new Date(latest.appliedAt).toISOString()}` };
  if (live) return { snapshot: snapshotOf(live), version: live.version, source: `from ${live.dir}` };
  throw new Error('the database holds no snapshot of the policies in force: run doorman migrate (or serve) once, or name the live folder with --policies');
}
