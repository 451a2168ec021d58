import { loadPolicies } from '../../policies/load.js';
import { formatProblem } from '../../policies/model.js';
import { policiesDir, type CommonFlags } from '../settings.js';

export async function validateCommand(flags: CommonFlags): Promise<number> {
  const dir = policiesDir(flags);
  const result = loadPolicies(dir);
  for (const p of [...(result.ok ? [] : result.problems), ...result.warnings]) process.stdout.write(`${formatProblem(p)}\n`);
  if (!result.ok) {
    process.stderr.write(`${dir}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`);
    return 2;
  }
  const { accounts, version } = result.policies;
  process.stderr.write(`${dir}: policies are sound (${accounts.length} account${accounts.length === 1 ? '' : 's'}, version ${version})\n`);
  return 0;
}
