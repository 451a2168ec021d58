// The usage report's users as CSV (RFC 4180), one row per user, for spreadsheets.
import type { UsageReport } from './usage-report.js';

const HEADER = ['account', 'email', 'name', 'status', 'license', 'teams', 'last_active_at', 'idle_days', 'reclaim_candidate'];

/** Quotes when needed; a leading = + - @ is neutralized so a spreadsheet never runs it as a formula. */
function csvField(value: string | number | boolean | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function usageCsv(reports: UsageReport[]): string {
  const rows = reports.flatMap((r) => {
    const idle = new Set(r.idleFull.map((u) => u.id));
    return r.users.map((u) => [r.account.id, u.email, u.name, u.status, u.license, u.teams.join(' '), u.lastActiveAt === null ? null : new Date(u.lastActiveAt).toISOString(), u.idleDays, idle.has(u.id)]);
  });
  return [HEADER, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
