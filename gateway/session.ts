// Server-side sessions behind an opaque cookie: a random value the browser holds,
// its SHA-256 the key of the database row. A new id at every login; idle and
// absolute timeouts from gateway.yaml; activity written at most every few minutes.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Repos, User } from '../db/index.js';
import type { Session } from '../db/repositories/sessions.js';
import type { ActiveSession, NormalizedIdentity } from './identity.js';
import type { Runtime } from './runtime.js';

/** How often a session's last_seen_at and the user's last activity are written. */
export const ACTIVITY_WRITE_INTERVAL_MS = 5 * 60_000;

export const hashSessionId = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What a session row keeps beside its keys: the signed-in user as ActiveSession shows it. */
type SessionPayload = Pick<ActiveSession, 'email' | 'name' | 'license' | 'teams' | 'groups' | 'restricted' | 'connectionId' | 'saml'>;

/**
 * Sets (value) or clears (null) the session cookie: HttpOnly, SameSite=Lax, and Secure
 * when the public URL is https, also behind a proxy that ends TLS before the gateway.
 */
export function setSessionCookie(runtime: Runtime, ctx: Context, value: string | null, expires?: Date): void {
  const secure = runtime.policies().gateway.publicUrl.startsWith('https:');
  // The cookies module refuses Secure on a plain-HTTP hop unless told the client side is secure.
  if (secure) ctx.cookies.secure = true;
  ctx.cookies.set(runtime.policies().gateway.session.cookieName, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', overwrite: true, expires, signed: false });
}

/** Sets ctx.state.session from the cookie, ending sessions past their idle or absolute timeout. */
export function sessionMiddleware(runtime: Runtime): Middleware {
  return async (ctx, next) => {
    const { cookieName } = runtime.policies().gateway.session;
    const value = ctx.cookies.get(cookieName);
    if (value) {
      const session = await resolveSession(runtime, value);
      if (session) ctx.state.session = session;
      else setSessionCookie(runtime, ctx, null);
    }
    return next();
  };
}

/** The live session of a cookie value, for HTTP requests and WebSocket upgrades alike. */
export async function resolveSession(runtime: Runtime, cookieValue: string, now = Date.now()): Promise<ActiveSession | undefined> {
  const { repos } = runtime;
  const { idleTimeoutMs } = runtime.policies().gateway.session;
  const idHash = hashSessionId(cookieValue);
  const row = await repos.sessions.find(idHash);
  if (!row) return undefined;
  if (row.expiresAt <= now || row.lastSeenAt + idleTimeoutMs <= now) {
    await repos.sessions.delete(idHash);
    return undefined;
  }
  // Never a write per request: only when the last one is older than the interval (or a
  // quarter of the idle timeout, so that short idle timeouts still see activity).
  if (now - row.lastSeenAt >= Math.min(ACTIVITY_WRITE_INTERVAL_MS, idleTimeoutMs / 4)) {
    await repos.sessions.touch(idHash, now);
    await repos.users.touchActivity(row.userId, now);
  }
  return toActive(row);
}

/** The cookie value of a request's session, for upgrade requests that bypass Koa. */
export function sessionCookieOf(req: IncomingMessage, cookieName: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === cookieName) return rest.join('=');
  }
  return undefined;
}

function toActive(row: Session): ActiveSession {
  const data = row.data as unknown as SessionPayload;
  return {
    idHash: row.idHash,
    userId: row.userId,
    accountId: row.accountId,
    email: data.email,
    name: data.name,
    license: data.license,
    teams: data.teams,
    groups: data.groups ?? [],
    restricted: data.restricted,
    connectionId: data.connectionId,
    ...(data.saml ? { saml: data.saml } : {}),
    createdAt: row.createdAt,
  };
}

/** A new session (never a reused id) for a user who just proved who they are. */
export async function startSession(runtime: Runtime, ctx: Context, userId: string, identity: NormalizedIdentity, now = Date.now()): Promise<void> {
  const { repos } = runtime;
  const { cookieName, absoluteTimeoutMs } = runtime.policies().gateway.session;
  const previous = ctx.cookies.get(cookieName);
  const user = await repos.users.findById(userId);
  if (!user) throw new Error(`user ${userId} vanished while signing in`);
  const payload = await sessionPayload(repos, user, identity);
  const value = randomBytes(32).toString('base64url');
  const expiresAt = now + absoluteTimeoutMs;
  // One commit: the previous session ends exactly when the new one starts.
  await repos.transaction(async (tx) => {
    if (previous) await tx.sessions.delete(hashSessionId(previous));
    await tx.sessions.create({ idHash: hashSessionId(value), userId, accountId: user.accountId, createdAt: now, expiresAt, data: { ...payload } });
    await tx.users.touchActivity(userId, now);
  });
  setSessionCookie(runtime, ctx, value, new Date(expiresAt));
}

async function sessionPayload(repos: Repos, user: User, identity: NormalizedIdentity): Promise<SessionPayload> {
  const license = await repos.licenses.get(user.id);
  const teams = await repos.memberships.listForUser(user.id);
  return {
    email: user.email,
    name: user.name,
    license: license?.license ?? 'free_restricted',
    teams: teams.map((t) => t.teamId),
    groups: identity.groups ?? [],
    restricted: user.restricted,
    connectionId: identity.connectionId,
    ...(identity.saml ? { saml: identity.saml } : {}),
  };
}

export async function endSession(runtime: Runtime, ctx: Context): Promise<ActiveSession | undefined> {
  const session = ctx.state.session as ActiveSession | undefined;
  if (session) await runtime.repos.sessions.delete(session.idHash);
  setSessionCookie(runtime, ctx, null);
  return session;
}

/** Ends every session of a user at once (SCIM deactivation, SAML logout, admin action). */
export const revokeUserSessions = (runtime: Runtime, userId: string): Promise<number> => runtime.repos.sessions.deleteForUser(userId);
