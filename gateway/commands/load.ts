// Shared by the commands: the policies (or exit 2 with every problem printed).
import { loadPolicies } from '../../policies/load.js';
import { formatProblem, type Policies } from '../../policies/model.js';
import { policiesDir, type CommonFlags } from '../settings.js';

export class InvalidPolicies extends Error {
  readonly exitCode = 2;
}

export function policiesOrExit(flags: CommonFlags): Policies {
  const dir = policiesDir(flags);
  const result = loadPolicies(dir);
  for (const w of result.warnings) process.stderr.write(`${formatProblem(w)}\n`);
  if (!result.ok) {
    for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
    throw new InvalidPolicies(`${dir}: the policies are invalid (${result.problems.length} problems); nothing was started`);
  }
  return result.policies;
}
