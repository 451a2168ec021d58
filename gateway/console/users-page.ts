// Users and licenses: filter the list, change a user's license.
import type { UserFilter, UserUsage } from '../../db/repositories/usage.js';
import { LICENSES_OFFERED } from '../../policies/license-decision.js';
import type { Account } from '../../policies/model.js';
import { LICENSES } from '../../policies/schema.js';
import { escapeHtml } from '../pages.js';
import { badge, when } from './layout.js';

const option = (value: string, label: string, selected: boolean) => `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;

export function usersBody(account: Account, users: UserUsage[], filter: UserFilter): string {
  const offered = LICENSES_OFFERED[account.licensing.program];
  const filters = `<form method="get" action="/admin/users" class="actions" aria-label="Filter users">
<label for="f-license">License</label><select id="f-license" name="license">${option('', 'any', !filter.license)}${LICENSES.map((l) => option(l, l, filter.license === l)).join('')}</select>
<label for="f-team">Team</label><select id="f-team" name="team">${option('', 'any', !filter.team)}${account.teams.map((t) => option(t.id, t.name, filter.team === t.id)).join('')}</select>
<label for="f-status">Status</label><select id="f-status" name="status">${option('', 'any', !filter.status)}${['active', 'deactivated', 'pending_approval'].map((s) => option(s, s, filter.status === s)).join('')}</select>
<button type="submit" class="secondary">Filter</button></form>`;
  const rows = users
    .map((u) => {
      const change =
        u.status === 'active'
          ? `<form class="inline" method="post" action="/admin/users/${escapeHtml(u.id)}/license"><label class="sr-only" for="l-${escapeHtml(u.id)}">License of ${escapeHtml(u.email)}</label><select id="l-${escapeHtml(u.id)}" name="license">${offered.map((l) => option(l, l, u.license === l)).join('')}</select><button type="submit" class="secondary" aria-label="Change the license of ${escapeHtml(u.email)}">Change</button></form>`
          : '';
      return `<tr data-email="${escapeHtml(u.email)}"><td>${escapeHtml(u.email)}</td><td>${escapeHtml(u.name ?? '')}</td><td>${escapeHtml(u.status)}</td><td class="license">${badge(u.license)}</td><td>${escapeHtml(u.teams.join(', '))}</td><td>${when(u.lastActiveAt)}</td><td>${change}</td></tr>`;
    })
    .join('');
  return `<section class="card">${filters}</section>
<section class="card"><table id="users"><caption class="sr-only">Users of ${escapeHtml(account.name)}</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">License</th><th scope="col">Teams</th><th scope="col">Last active</th><th scope="col">Change license</th></tr></thead>
<tbody>${rows || '<tr><td colspan="7" class="muted">No users match.</td></tr>'}</tbody></table></section>`;
}
