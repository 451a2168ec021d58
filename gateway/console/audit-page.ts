// The audit log of admin actions in this account, newest first.
import type { AuditEntry } from '../../db/repositories/audit-log.js';
import { escapeHtml } from '../pages.js';
import { when } from './layout.js';

export function auditBody(entries: AuditEntry[]): string {
  const rows = entries
    .map((e) => `<tr><td>${when(e.createdAt)}</td><td>${escapeHtml(e.actor)}</td><td>${escapeHtml(e.action)}</td><td>${escapeHtml(e.target ?? '')}</td><td><code>${escapeHtml(e.details ? JSON.stringify(e.details) : '')}</code></td></tr>`)
    .join('');
  return `<section class="card"><table id="audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5" class="muted">No admin action yet.</td></tr>'}</tbody></table></section>`;
}
