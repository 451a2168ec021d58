// The admin console's page frame: navigation, notices, and styles. Server-rendered,
// no scripts and no external resources; every control is a link, button or form field.
import { escapeHtml } from '../pages.js';

const CONSOLE_PAGES = [
  { path: '/admin/users', label: 'Users and licenses' },
  { path: '/admin/requests', label: 'Requests' },
  { path: '/admin/invitations', label: 'Invitations' },
  { path: '/admin/usage', label: 'Usage report' },
  { path: '/admin/audit', label: 'Audit log' },
] as const;

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

const STYLE = `
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;background:#f5f6fa;margin:0}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}.skip:focus{left:1rem;z-index:2}
header{background:#1d2a5a;color:#fff;padding:.8rem 1.5rem;display:flex;flex-wrap:wrap;gap:1.5rem;align-items:center}
header .brand{font-weight:700;letter-spacing:.02em}header .who{margin-left:auto;font-size:.9rem;opacity:.85}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem}
nav a{color:#dfe6ff;text-decoration:none;padding:.35rem .7rem;border-radius:6px;display:inline-block}
nav a[aria-current=page]{background:#fff;color:#1d2a5a;font-weight:600}nav a:hover{background:#2f3f7a;color:#fff}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.8rem 0 .6rem}
section.card{background:#fff;border:1px solid #dfe2ea;border-radius:10px;padding:1rem 1.2rem;margin-bottom:1.2rem;overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #eceef3;vertical-align:middle}
th{font-size:.85rem;color:#5b6478;font-weight:600}tr:last-child td{border-bottom:0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;background:#eef0f5}
.badge.full{background:#dff3e4;color:#14632d}.badge.free{background:#e6efff;color:#1d4fb8}.badge.free_restricted{background:#fff1db;color:#8a4b00}
button,.button{padding:.35rem .8rem;border:1px solid #2f5bea;border-radius:6px;background:#2f5bea;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#fff;color:#2f5bea}button.danger{background:#fff;color:#b42318;border-color:#b42318}
select,input[type=email],input[type=text]{font:inherit;background:#fff;padding:.3rem .5rem;border:1px solid #b9bfcc;border-radius:6px}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #9db3ff;outline-offset:2px}
form.inline{display:inline-flex;gap:.4rem;align-items:center;margin:0}.actions{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center}
.notice{padding:.7rem 1rem;border-radius:8px;margin-bottom:1rem}.notice.ok{background:#dff3e4;color:#14632d}.notice.error{background:#fde8e7;color:#8f1c13}
.muted{color:#5b6478;font-size:.9rem}.stats{display:flex;gap:1rem;flex-wrap:wrap}.stat{background:#fff;border:1px solid #dfe2ea;border-radius:10px;padding:.8rem 1.2rem;min-width:9rem}
.stat b{display:block;font-size:1.6rem}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
section.card>h2:first-child{margin-top:0}label{font-weight:600;margin-right:.3rem}svg text{font:12px system-ui,sans-serif;fill:#5b6478}`;

export function consolePage(opts: { title: string; path: string; admin: string; accountName: string; notice?: Notice; body: string }): string {
  const nav = CONSOLE_PAGES.map((p) => `<li><a href="${p.path}"${p.path === opts.path ? ' aria-current="page"' : ''}>${escapeHtml(p.label)}</a></li>`).join('');
  const notice = opts.notice ? `<div class="notice ${opts.notice.kind}" role="${opts.notice.kind === 'error' ? 'alert' : 'status'}" id="notice">${escapeHtml(opts.notice.text)}</div>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(opts.title)} · ${escapeHtml(opts.accountName)} · Doorman</title><style>${STYLE}</style></head><body>
<a class="skip" href="#content">Skip to content</a>
<header><span class="brand">Doorman · ${escapeHtml(opts.accountName)}</span><nav aria-label="Admin console"><ul>${nav}</ul></nav><span class="who">${escapeHtml(opts.admin)}</span></header>
<main id="content" tabindex="-1"><h1>${escapeHtml(opts.title)}</h1>${notice}
${opts.body}
</main></body></html>`;
}

export const badge = (license: string | null): string => (license ? `<span class="badge ${escapeHtml(license)}">${escapeHtml(license)}</span>` : '<span class="muted">none</span>');
export const when = (ms: number | null): string => (ms === null ? '<span class="muted">never</span>' : `<time datetime="${new Date(ms).toISOString()}">${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`);

/** A one-button form POSTing to `action` (same-origin; the CSRF check is on the server). */
export const postButton = (action: string, label: string, accessibleName: string, kind = ''): string =>
  `<form class="inline" method="post" action="${escapeHtml(action)}"><button type="submit"${kind ? ` class="${kind}"` : ''} aria-label="${escapeHtml(accessibleName)}">${escapeHtml(label)}</button></form>`;
