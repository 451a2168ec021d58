// /admin/api/reports/usage (JSON, or CSV with ?format=csv) and /admin/api/audit.
import Router from '@koa/router';
import { requireAdmin, type Admin } from '../admin-auth.js';
import type { Runtime } from '../runtime.js';
import { usageCsv } from '../usage-csv.js';
import { usageReport } from '../usage-report.js';
import { accountOrFail, fail } from './admin-helpers.js';

const MAX_AUDIT_PAGE = 500;

export function adminReportRoutes(runtime: Runtime): Router {
  const router = new Router({ prefix: '/admin/api' });
  router.use(requireAdmin(runtime));

  router.get('/reports/usage', async (ctx) => {
    const a = accountOrFail(runtime, ctx, ctx.query.account);
    if (!a) return;
    const report = await usageReport(runtime.repos, a);
    ctx.set('Cache-Control', 'no-store');
    if (ctx.query.format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`doorman-usage-${a.id}-${new Date(report.generatedAt).toISOString().slice(0, 10)}.csv`);
      ctx.body = usageCsv([report]);
    } else ctx.body = report;
  });

  // A token admin sees every account's entries unless it names one; a session admin sees their account's.
  router.get('/audit', async (ctx) => {
    const admin = ctx.state.admin as Admin;
    const named = ctx.query.account;
    const a = named === undefined && admin.accountId === null ? null : accountOrFail(runtime, ctx, named);
    if (a === undefined) return;
    const limit = Number(ctx.query.limit ?? 100);
    const before = ctx.query.before === undefined ? undefined : Number(ctx.query.before);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) return fail(ctx, 400, 'invalid-limit', `limit must be 1 to ${MAX_AUDIT_PAGE}`);
    if (before !== undefined && !Number.isInteger(before)) return fail(ctx, 400, 'invalid-before', 'before must be an entry id');
    ctx.body = { entries: await runtime.repos.auditLog.list(a?.id ?? null, { limit, before }) };
  });

  return router;
}
