// Pending license and access requests, each with approve and deny buttons.
import type { AccessRequest } from '../../db/repositories/access-requests.js';
import type { LicenseRequest } from '../../db/repositories/license-requests.js';
import { escapeHtml } from '../pages.js';
import { postButton, when } from './layout.js';

export type NamedLicenseRequest = LicenseRequest & { email: string };

const buttons = (base: string, who: string, what: string) =>
  `<div class="actions">${postButton(`${base}/approve`, 'Approve', `Approve ${what} of ${who}`)}${postButton(`${base}/deny`, 'Deny', `Deny ${what} of ${who}`, 'danger')}</div>`;

export function requestsBody(license: NamedLicenseRequest[], access: AccessRequest[], decided: NamedLicenseRequest[]): string {
  const licenseRows = license
    .map((r) => `<tr data-email="${escapeHtml(r.email)}"><td>${escapeHtml(r.email)}</td><td>${escapeHtml(r.note ?? '')}</td><td>${when(r.createdAt)}</td><td>${buttons(`/admin/license-requests/${r.id}`, r.email, 'the Full license request')}</td></tr>`)
    .join('');
  const accessRows = access
    .map((r) => `<tr data-email="${escapeHtml(r.email)}"><td>${escapeHtml(r.email)}</td><td>${escapeHtml(r.name ?? '')}</td><td>${when(r.createdAt)}</td><td>${buttons(`/admin/access-requests/${r.id}`, r.email, 'the access request')}</td></tr>`)
    .join('');
  const decidedRows = decided
    .map((r) => `<tr><td>${escapeHtml(r.email)}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.decidedBy ?? '')}</td><td>${when(r.decidedAt)}</td></tr>`)
    .join('');
  return `<section class="card" aria-labelledby="h-license"><h2 id="h-license">Full license requests</h2>
<table id="license-requests"><thead><tr><th scope="col">Who</th><th scope="col">Note</th><th scope="col">Asked</th><th scope="col">Decision</th></tr></thead>
<tbody>${licenseRows || '<tr><td colspan="4" class="muted">No open license request.</td></tr>'}</tbody></table></section>
<section class="card" aria-labelledby="h-access"><h2 id="h-access">Requests to join the account</h2>
<table id="access-requests"><thead><tr><th scope="col">Who</th><th scope="col">Name</th><th scope="col">Asked</th><th scope="col">Decision</th></tr></thead>
<tbody>${accessRows || '<tr><td colspan="4" class="muted">No open access request.</td></tr>'}</tbody></table></section>
<section class="card" aria-labelledby="h-decided"><h2 id="h-decided">Recently decided license requests</h2>
<table><thead><tr><th scope="col">Who</th><th scope="col">Outcome</th><th scope="col">By</th><th scope="col">When</th></tr></thead>
<tbody>${decidedRows || '<tr><td colspan="4" class="muted">None yet.</td></tr>'}</tbody></table></section>`;
}
