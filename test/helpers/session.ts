// A signed-in user without a login flow: the user, license, teams and session rows written
// straight into the database the gateway uses, as a completed login would leave them.
import { createHash, randomBytes } from 'node:crypto';
import type { License, Repos } from '../../db/index.js';
import { rememberSecret } from './secrets.js';

export interface TestUser {
  accountId: string;
  email: string;
  name?: string | null;
  license?: License;
  teams?: string[];
  /** As if captured by an auto_join_exclusive domain. */
  restricted?: boolean;
}

export interface TestSession {
  /** The session cookie's value. */
  cookie: string;
  idHash: string;
  userId: string;
}

export async function createTestSession(repos: Repos, user: TestUser, now = Date.now()): Promise<TestSession> {
  const { accountId, email, name = null, license = 'full', teams = [], restricted = false } = user;
  const created = await repos.users.create({ accountId, email, name, status: 'active', restricted, createdAt: now });
  const decisionId = await repos.decisions.record({
    accountId, userId: created.id, email, route: 'test', license, reason: 'test', policyVersion: 'test', actor: null, decidedAt: now,
  });
  await repos.licenses.assign(created.id, accountId, license, decisionId, now);
  for (const teamId of teams) await repos.memberships.add({ userId: created.id, accountId, teamId, source: 'admin', createdAt: now });

  const cookie = randomBytes(32).toString('base64url');
  rememberSecret(cookie);
  const idHash = createHash('sha256').update(cookie).digest('hex');
  // The payload gateway/session.ts keeps with each session.
  const data = { email, name, license, teams, groups: [], restricted, connectionId: null };
  await repos.sessions.create({ idHash, userId: created.id, accountId, createdAt: now, expiresAt: now + 3_600_000, data });
  return { cookie, idHash, userId: created.id };
}
