// /admin/api/license-requests: list, approve (a Full seat, a recorded decision, a
// mail to the user) and deny.
import Router from '@koa/router';
import type { LicenseRequestStatus } from '../../db/repositories/license-requests.js';
import { requireAdmin, type Admin } from '../admin-auth.js';
import { decideLicenseRequest } from '../license-requests.js';
import type { Runtime } from '../runtime.js';
import { accountOrFail, audit, fail } from './admin-helpers.js';

const STATUSES: readonly LicenseRequestStatus[] = ['open', 'approved', 'denied'];

export function adminRequestRoutes(runtime: Runtime): Router {
  const router = new Router({ prefix: '/admin/api' });
  router.use(requireAdmin(runtime));

  router.get('/license-requests', async (ctx) => {
    const a = accountOrFail(runtime, ctx, ctx.query.account);
    if (!a) return;
    const status = STATUSES.find((s) => s === ctx.query.status);
    const requests = await runtime.repos.licenseRequests.list(a.id, status);
    ctx.body = {
      licenseRequests: await Promise.all(requests.map(async (r) => ({ ...r, email: (await runtime.repos.users.findById(r.userId))?.email ?? null }))),
    };
  });

  for (const verb of ['approve', 'deny'] as const) {
    router.post(`/license-requests/:id/${verb}`, async (ctx) => {
      const found = await runtime.repos.licenseRequests.get(ctx.params.id);
      if (!found) return fail(ctx, 404, 'not-found', 'no such license request');
      const a = accountOrFail(runtime, ctx, found.accountId);
      if (!a) return;
      const outcome = await decideLicenseRequest(runtime, a, found.id, verb === 'approve', (ctx.state.admin as Admin).actor);
      if (!outcome.ok) return fail(ctx, outcome.status, outcome.error, outcome.message);
      await audit(runtime, ctx, { action: `${verb}-license-request`, accountId: a.id, target: found.id, details: { user: outcome.userId, license: outcome.license } });
      ctx.body = { status: outcome.status, user: outcome.userId, license: outcome.license };
    });
  }

  return router;
}
