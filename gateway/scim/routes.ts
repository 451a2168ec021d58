// /scim/v2/:connection/...: SCIM 2.0 (RFC 7644) for one connection. Thin: authenticate,
// rate-limit, read the body, dispatch by path and method, render resources and errors.
import Router from '@koa/router';
import parseBody from 'co-body';
import type { Context } from 'koa';
import type { Runtime } from '../runtime.js';
import { isDatabaseUnavailable } from '../database-errors.js';
import { countScimRequest } from '../metrics.js';
import { withinLimit } from '../rate-limit.js';
import { authenticate } from './auth.js';
import type { ScimContext } from './context.js';
import { invalidSyntax, notFound, renderError, ScimError } from './errors.js';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, renderGroup, replaceGroup } from './groups.js';
import { isObject, type Doc } from './normalize.js';
import { project, splitList } from './projection.js';
import { LIST_SCHEMA, MAX_BODY_BYTES, MAX_RESULTS, RESOURCE_TYPES, SCHEMAS, SERVICE_PROVIDER_CONFIG } from './schemas.js';
import { renderUser } from './user-resource.js';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './users.js';

type Handler = (c: ScimContext, ctx: Context, id: string | undefined) => Promise<void>;

async function readBody(ctx: Context): Promise<Doc> {
  let body: unknown;
  try {
    body = await parseBody.json(ctx, { limit: MAX_BODY_BYTES, strict: true });
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 413) throw new ScimError(413, null, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    throw invalidSyntax('the body is not valid JSON');
  }
  if (!isObject(body)) throw invalidSyntax('the body must be a JSON object');
  return body;
}

interface ListParams {
  filter: string | null;
  startIndex: number;
  count: number;
  attributes: string[] | null;
  excluded: string[] | null;
}

const integer = (v: unknown, fallback: number) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : fallback;
};

/** From the query (GET) or a .search body (POST). */
function listParams(source: Record<string, unknown>): ListParams {
  const filter = source.filter;
  if (filter !== undefined && typeof filter !== 'string') throw new ScimError(400, 'invalidFilter', 'give one filter');
  return {
    filter: filter ?? null,
    startIndex: Math.max(1, integer(source.startIndex, 1)),
    count: Math.min(MAX_RESULTS, Math.max(0, integer(source.count, MAX_RESULTS))),
    attributes: splitList(Array.isArray(source.attributes) ? source.attributes.join(',') : source.attributes),
    excluded: splitList(Array.isArray(source.excludedAttributes) ? source.excludedAttributes.join(',') : source.excludedAttributes),
  };
}

const send = (ctx: Context, status: number, body: Doc | null) => {
  ctx.status = status;
  if (body) {
    ctx.type = 'application/scim+json';
    ctx.body = body;
  }
};

const listResponse = (p: ListParams, total: number, resources: Doc[]): Doc => ({
  schemas: [LIST_SCHEMA],
  totalResults: total,
  startIndex: p.startIndex,
  itemsPerPage: resources.length,
  Resources: resources.map((r) => project(r, p.attributes, p.excluded)),
});

const projected = (ctx: Context, resource: Doc) => project(resource, splitList(ctx.query.attributes), splitList(ctx.query.excludedAttributes));

const membersWanted = (p: { attributes: string[] | null; excluded: string[] | null }) =>
  !p.excluded?.some((a) => a.toLowerCase() === 'members') && (!p.attributes || p.attributes.some((a) => a.toLowerCase().startsWith('members')));

const userList = async (c: ScimContext, p: ListParams) => {
  const { total, users } = await listUsers(c, p.filter, { offset: p.startIndex - 1, limit: p.count });
  return listResponse(p, total, users.map((u) => renderUser(u, c.base)));
};

const groupList = async (c: ScimContext, p: ListParams) => {
  const { total, groups } = await listGroups(c, p.filter, { offset: p.startIndex - 1, limit: p.count }, membersWanted(p));
  return listResponse(p, total, groups.map((g) => renderGroup(g, c.base)));
};

/** Path (first segment, and whether an id follows) -> method -> handler. */
const ROUTES: Record<string, { collection: Record<string, Handler>; item: Record<string, Handler> }> = {
  users: {
    collection: {
      GET: async (c, ctx) => send(ctx, 200, await userList(c, listParams(ctx.query))),
      POST: async (c, ctx) => {
        const user = renderUser(await createUser(c, await readBody(ctx)), c.base);
        ctx.set('Location', String((user.meta as Doc).location));
        send(ctx, 201, projected(ctx, user));
      },
    },
    item: {
      GET: async (c, ctx, id) => send(ctx, 200, projected(ctx, renderUser(await getUser(c, id!), c.base))),
      PUT: async (c, ctx, id) => send(ctx, 200, projected(ctx, renderUser(await replaceUser(c, id!, await readBody(ctx)), c.base))),
      PATCH: async (c, ctx, id) => send(ctx, 200, projected(ctx, renderUser(await patchUser(c, id!, await readBody(ctx)), c.base))),
      DELETE: async (c, ctx, id) => send(ctx, 204, await deleteUser(c, id!).then(() => null)),
    },
  },
  groups: {
    collection: {
      GET: async (c, ctx) => send(ctx, 200, await groupList(c, listParams(ctx.query))),
      POST: async (c, ctx) => {
        const group = renderGroup(await createGroup(c, await readBody(ctx)), c.base);
        ctx.set('Location', String((group.meta as Doc).location));
        send(ctx, 201, projected(ctx, group));
      },
    },
    item: {
      GET: async (c, ctx, id) => {
        const wanted = membersWanted({ attributes: splitList(ctx.query.attributes), excluded: splitList(ctx.query.excludedAttributes) });
        send(ctx, 200, projected(ctx, renderGroup(await getGroup(c, id!, wanted), c.base)));
      },
      PUT: async (c, ctx, id) => send(ctx, 200, projected(ctx, renderGroup(await replaceGroup(c, id!, await readBody(ctx)), c.base))),
      PATCH: async (c, ctx, id) => {
        await patchGroup(c, id!, await readBody(ctx));
        send(ctx, 204, null);
      },
      DELETE: async (c, ctx, id) => {
        await deleteGroup(c, id!);
        send(ctx, 204, null);
      },
    },
  },
  serviceproviderconfig: { collection: { GET: async (_c, ctx) => send(ctx, 200, SERVICE_PROVIDER_CONFIG) }, item: {} },
  resourcetypes: {
    collection: { GET: async (_c, ctx) => send(ctx, 200, { schemas: [LIST_SCHEMA], totalResults: RESOURCE_TYPES.length, startIndex: 1, itemsPerPage: RESOURCE_TYPES.length, Resources: RESOURCE_TYPES }) },
    item: { GET: async (_c, ctx, id) => send(ctx, 200, found(RESOURCE_TYPES.find((r) => r.id.toLowerCase() === id!.toLowerCase()))) },
  },
  schemas: {
    collection: { GET: async (_c, ctx) => send(ctx, 200, { schemas: [LIST_SCHEMA], totalResults: SCHEMAS.length, startIndex: 1, itemsPerPage: SCHEMAS.length, Resources: SCHEMAS }) },
    item: { GET: async (_c, ctx, id) => send(ctx, 200, found(SCHEMAS.find((s) => s.id.toLowerCase() === id!.toLowerCase()))) },
  },
};

const found = <T extends object>(v: T | undefined): Doc => {
  if (!v) throw notFound();
  return v as Doc;
};

/** The handler for a path and method: 404 for an unknown path, 405 (with Allow) for a method it does not take. */
function route(ctx: Context, rest: string): { handler: Handler; id: string | undefined } {
  const [first = '', id, extra] = rest.split('/').filter(Boolean);
  const entry = ROUTES[first.toLowerCase()];
  if (!entry || extra !== undefined) throw notFound(`no such endpoint /${rest}`);
  // POST /Users/.search and /Groups/.search: a list whose parameters come in the body.
  if (id === '.search' && (first.toLowerCase() === 'users' || first.toLowerCase() === 'groups')) {
    if (ctx.method !== 'POST') return methodNotAllowed(ctx, ['POST']);
    const list = first.toLowerCase() === 'users' ? userList : groupList;
    return { handler: async (c, ctx2) => send(ctx2, 200, await list(c, listParams(await readBody(ctx2)))), id: undefined };
  }
  const table = id === undefined ? entry.collection : entry.item;
  const handler = table[ctx.method === 'HEAD' ? 'GET' : ctx.method];
  if (!handler) return methodNotAllowed(ctx, Object.keys(table));
  return { handler, id };
}

function methodNotAllowed(ctx: Context, allowed: string[]): never {
  ctx.set('Allow', allowed.join(', '));
  throw new ScimError(405, null, `${ctx.method} is not allowed here${allowed.length ? `; use ${allowed.join(', ')}` : ''}`);
}

export function scimRoutes(runtime: Runtime): Router {
  const router = new Router({ prefix: '/scim/v2' });

  router.all('/:connection{/*rest}', async (ctx) => {
    try {
      const caller = authenticate(runtime, ctx.params.connection, ctx.get('authorization'));
      if (!caller) {
        runtime.log.warn({ reason: 'scim-token-invalid', route: ctx.path }, 'SCIM request refused');
        ctx.set('WWW-Authenticate', 'Bearer realm="doorman-scim"');
        throw new ScimError(401, null, 'a valid bearer token of this connection is required');
      }
      const limits = runtime.policies().gateway.rateLimits.scim;
      if (!(await withinLimit(runtime, ctx, `scim:${caller.connection.id}:${caller.tokenName}`, limits.perToken, limits.windowMs))) {
        throw new ScimError(429, 'tooMany', 'too many requests for this token: retry later');
      }
      const { handler, id } = route(ctx, ctx.params.rest ?? '');
      const base = `${runtime.policies().gateway.publicUrl}/scim/v2/${caller.connection.id}`;
      await handler({ runtime, account: caller.account, connection: caller.connection, actor: `scim:${caller.connection.id}`, base }, ctx, id);
    } catch (err) {
      // The database away: the gateway's 503 with Retry-After, not a SCIM 500.
      if (isDatabaseUnavailable(err)) throw err;
      if (!(err instanceof ScimError)) {
        runtime.log.error({ reason: 'scim-failed', route: ctx.path, err: err instanceof Error ? err.message : String(err) }, 'SCIM request failed');
        return renderError(ctx, new ScimError(500, null, 'the request failed; nothing was changed'));
      }
      renderError(ctx, err);
    } finally {
      // e.g. post-users 201, patch-users 200, get-groups 404: resource types, never ids.
      const resource = (ctx.params.rest ?? '').split('/').filter(Boolean)[0]?.toLowerCase() ?? '';
      countScimRequest(`${ctx.method.toLowerCase()}-${resource in ROUTES ? resource : 'other'}`, ctx.status);
    }
  });

  router.all('{/*rest}', (ctx) => renderError(ctx, notFound('name a connection: /scim/v2/<connection>/...')));
  return router;
}
