// `doorman licenses report [--account ID] [--json|--csv]`: license usage per account
// from the live database (reads only).
import { openForPolicies, requireMigrated } from '../boot.js';
import type { CommonFlags } from '../settings.js';
import { usageCsv } from '../usage-csv.js';
import { usageReport, type UsageReport } from '../usage-report.js';
import { policiesOrExit } from './load.js';

export async function licensesReportCommand(flags: CommonFlags & { account?: string; json?: boolean; csv?: boolean }): Promise<number> {
  if (flags.json && flags.csv) {
    process.stderr.write('doorman licenses report: choose --json or --csv, not both\n');
    return 2;
  }
  const policies = policiesOrExit(flags);
  const accounts = flags.account ? policies.accounts.filter((a) => a.id === flags.account) : policies.accounts;
  if (accounts.length === 0) {
    process.stderr.write(`doorman licenses report: no account ${flags.account}; accounts: ${policies.accounts.map((a) => a.id).join(', ')}\n`);
    return 2;
  }
  const opened = await openForPolicies(policies, flags);
  try {
    await requireMigrated(opened);
    const reports: UsageReport[] = [];
    for (const account of accounts) reports.push(await usageReport(opened.repos, account));
    process.stdout.write(flags.json ? `${JSON.stringify(reports, null, 2)}\n` : flags.csv ? usageCsv(reports) : reports.map(render).join('\n'));
    return 0;
  } finally {
    await opened.db.close();
  }
}

const date = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().slice(0, 10));
const table = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd()).join('\n');
};

function render(r: UsageReport): string {
  const { full } = r.seats;
  return `${r.account.name} (${r.account.id}, ${r.account.program} program)
Full seats: ${full.bought} bought, ${full.used} used, ${full.free} free
Users by license: full ${r.licenses.full}, free ${r.licenses.free}, free_restricted ${r.licenses.free_restricted}

By team:
${table([['team', 'users', 'full', 'free', 'free_restricted'], ...r.teams.map((t) => [t.id, String(t.users), String(t.full), String(t.free), String(t.free_restricted)])])}

Users:
${table([['email', 'status', 'license', 'teams', 'last active'], ...r.users.map((u) => [u.email, u.status, u.license ?? '-', u.teams.join(' ') || '-', date(u.lastActiveAt)])])}

Full users idle ${r.idleFullAfterDays} days or more (candidates to reclaim): ${r.idleFull.length ? '' : 'none'}
${r.idleFull.map((u) => `  ${u.email}  last active ${date(u.lastActiveAt)}`).join('\n')}
People of the account's domains outside it: ${r.outsiders.length ? '' : 'none'}
${r.outsiders.map((o) => `  ${o.email}  ${o.source === 'access-request' ? 'asks to join' : `in account ${o.accountId}`}`).join('\n')}
`;
}
