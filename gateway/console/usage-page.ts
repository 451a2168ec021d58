// The usage report: seats, the chart of seats used over time, teams, idle Full users, outsiders.
import { escapeHtml } from '../pages.js';
import type { UsageReport } from '../usage-report.js';
import { seatsChart } from './chart.js';
import { when } from './layout.js';

const stat = (label: string, value: number, id: string) => `<div class="stat"><span class="muted">${escapeHtml(label)}</span><b id="${id}">${value}</b></div>`;

export function usageBody(r: UsageReport): string {
  const { full } = r.seats;
  const teams = r.teams.map((t) => `<tr><td>${escapeHtml(t.name)}</td><td class="num">${t.users}</td><td class="num">${t.full}</td><td class="num">${t.free}</td><td class="num">${t.free_restricted}</td></tr>`).join('');
  const idle = r.idleFull.map((u) => `<tr><td>${escapeHtml(u.email)}</td><td>${when(u.lastActiveAt)}</td><td class="num">${u.idleDays ?? '—'}</td></tr>`).join('');
  const outsiders = r.outsiders.map((o) => `<tr><td>${escapeHtml(o.email)}</td><td>${o.source === 'access-request' ? 'asks to join' : `in account ${escapeHtml(o.accountId ?? '')}`}</td></tr>`).join('');
  return `<div class="stats">${stat('Full seats bought', full.bought, 'seats-bought')}${stat('Full seats used', full.used, 'seats-used')}${stat('Full seats free', full.free, 'seats-free')}${stat('Free users', r.licenses.free, 'users-free')}${stat('Free Restricted users', r.licenses.free_restricted, 'users-free-restricted')}</div>
<section class="card" aria-labelledby="h-chart"><h2 id="h-chart">Seats used over time</h2>${seatsChart(r.seatsOverTime, full.bought, r.generatedAt)}</section>
<section class="card" aria-labelledby="h-teams"><h2 id="h-teams">By team</h2><table><thead><tr><th scope="col">Team</th><th scope="col" class="num">Users</th><th scope="col" class="num">Full</th><th scope="col" class="num">Free</th><th scope="col" class="num">Free Restricted</th></tr></thead><tbody>${teams}</tbody></table></section>
<section class="card" aria-labelledby="h-idle"><h2 id="h-idle">Full users idle ${r.idleFullAfterDays} days or more</h2><p class="muted">Candidates to reclaim a seat from.</p><table><thead><tr><th scope="col">Email</th><th scope="col">Last active</th><th scope="col" class="num">Idle days</th></tr></thead><tbody>${idle || '<tr><td colspan="3" class="muted">None.</td></tr>'}</tbody></table></section>
<section class="card" aria-labelledby="h-out"><h2 id="h-out">People of your domains outside the account</h2><table><thead><tr><th scope="col">Email</th><th scope="col">Where</th></tr></thead><tbody>${outsiders || '<tr><td colspan="2" class="muted">None.</td></tr>'}</tbody></table></section>
<p><a class="button" href="/admin/api/reports/usage?format=csv" download>Download the users as CSV</a></p>`;
}
