// Invitations: invite someone with a team and license; revoke a pending invitation.
import type { Invitation } from '../../db/repositories/invitations.js';
import { LICENSES_OFFERED } from '../../policies/license-decision.js';
import type { Account } from '../../policies/model.js';
import { escapeHtml } from '../pages.js';
import { badge, postButton, when } from './layout.js';

export function invitationsBody(account: Account, invitations: Invitation[], now: number): string {
  const form = `<form method="post" action="/admin/invitations" class="actions" aria-label="Invite someone">
<label for="i-email">Email</label><input id="i-email" type="email" name="email" required autocomplete="off">
<label for="i-team">Team</label><select id="i-team" name="team">${account.teams.map((t) => `<option value="${escapeHtml(t.id)}"${t.isDefault ? ' selected' : ''}>${escapeHtml(t.name)}</option>`).join('')}</select>
<label for="i-license">License</label><select id="i-license" name="license">${LICENSES_OFFERED[account.licensing.program].map((l) => `<option value="${l}">${l}</option>`).join('')}</select>
<button type="submit">Invite</button></form>`;
  const rows = invitations
    .map((i) => {
      const status = i.status === 'pending' && i.expiresAt <= now ? 'expired' : i.status;
      const revoke = status === 'pending' ? postButton(`/admin/invitations/${i.id}/revoke`, 'Revoke', `Revoke the invitation of ${i.emailLower}`, 'danger') : '';
      return `<tr><td>${escapeHtml(i.emailLower)}</td><td>${escapeHtml(i.kind)}</td><td>${escapeHtml(i.teamId ?? '')}</td><td>${badge(i.license)}</td><td>${escapeHtml(status)}</td><td>${when(i.expiresAt)}</td><td>${revoke}</td></tr>`;
    })
    .join('');
  return `<section class="card"><h2>Invite someone</h2>${form}</section>
<section class="card"><table id="invitations"><thead><tr><th scope="col">Email</th><th scope="col">Kind</th><th scope="col">Team</th><th scope="col">License</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
<tbody>${rows || '<tr><td colspan="7" class="muted">No invitation yet.</td></tr>'}</tbody></table></section>`;
}
