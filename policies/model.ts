// The policies as the rest of Doorman reads them: validated, defaults applied,
// ${ENV} references resolved, indexed by domain and connection.
import type { AccountFile, Connection, DomainControl, GatewayFile, License, TokenEntry } from './schema.js';

export type Program = 'standard' | 'flexible';
export type FlexibleDefault = Exclude<License, 'full'>;

export interface Gateway {
  publicUrl: string;
  upstreamUrl: string;
  listen: { host: string; port: number };
  session: { cookieName: string; idleTimeoutMs: number; absoluteTimeoutMs: number };
  database: { url: string | undefined; poolMax: number };
  dataDir: string;
  smtp: GatewayFile['smtp'];
  adminTokens: TokenEntry[];
  identity: { signingKey: string | undefined };
  proxy: { connectTimeoutMs: number; responseTimeoutMs: number };
  dnsServers: string[] | undefined;
  rateLimits: { signup: { perAddress: number; perClient: number; windowMs: number }; login: { perClient: number; windowMs: number }; scim: { perToken: number; windowMs: number } };
  shutdownTimeoutMs: number;
  /** IPs and CIDRs that may read /metrics. */
  metricsAllow: string[];
  /** Request-management webhooks (the outbox) and digests. */
  webhooks: { retryBackoffMs: number; retryBackoffMaxMs: number; pollIntervalMs: number };
  /** "POST /signup" etc.: refused for users of auto_join_exclusive domains. */
  accountCreationRoutes: { method: string; path: string }[];
}

export interface DomainPolicy {
  name: string;
  control: DomainControl;
  verification: { method: 'dns' | 'manual'; token?: string; verified: boolean };
}

export interface Account {
  id: string;
  name: string;
  file: string;
  licensing: { program: Program; seatsFull: number; defaultLicense: FlexibleDefault | null };
  teams: { id: string; name: string; isDefault: boolean }[];
  defaultTeam: string;
  domains: DomainPolicy[];
  connections: Connection[];
  admins: { emails: string[]; groups: string[] };
  invitations: { whoMayInvite: 'admins' | 'members'; expireAfterMs: number };
  requestManagement: NonNullable<AccountFile['request_management']>;
  usage: { idleFullAfterDays: number };
}

export interface Policies {
  /** Short hash of every file's content: recorded with each license decision. */
  version: string;
  dir: string;
  gateway: Gateway;
  accounts: Account[];
  account(id: string): Account | undefined;
  /** The account and policy of a domain, when one account claims it. */
  domain(name: string): { account: Account; domain: DomainPolicy } | undefined;
  connection(id: string): { account: Account; connection: Connection } | undefined;
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export const formatProblem = (p: Problem): string =>
  `${p.file}:${p.line}:${p.col}: ${p.path || '(file)'}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a validated duration ("30m", "12h", or seconds as a number). */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^([0-9]+)([smhd])$/.exec(value);
  if (!match) throw new TypeError(`"${value}" is not a duration`);
  return Number(match[1]) * UNITS[match[2]];
}
