// The gateway's own pages: small, server-rendered, no external resources.
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A page; `body` is trusted HTML built with escapeHtml for every value. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;background:#f5f6fa;margin:0}
main{max-width:28rem;margin:8vh auto;background:#fff;border:1px solid #dfe2ea;border-radius:10px;padding:2rem 2.2rem}
h1{font-size:1.35rem;margin:0 0 1rem}label{display:block;font-weight:600;margin:.6rem 0 .3rem}
input[type=email]{width:100%;box-sizing:border-box;padding:.55rem .7rem;border:1px solid #b9bfcc;border-radius:6px;font:inherit}
button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1.1rem;border:0;border-radius:6px;background:#2f5bea;color:#fff;font:inherit;cursor:pointer;text-decoration:none}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #9db3ff;outline-offset:2px}
.muted{color:#5b6478;font-size:.9rem}ul.choices{list-style:none;padding:0}ul.choices li{margin:.5rem 0}
code{background:#eef0f5;padding:.1rem .3rem;border-radius:4px}
</style></head><body><main>
${body}
</main></body></html>`;
}

/** "Sign-in failed" with a correlation id; the reason stays in the log. */
export const failurePage = (title: string, message: string, correlationId: string): string =>
  page(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p class="muted">If you ask for help, quote this reference: <code id="correlation-id">${escapeHtml(correlationId)}</code></p>
<a class="button" href="/sso/login">Try again</a>`,
  );
