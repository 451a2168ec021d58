// Load a policies folder: gateway.yaml plus one file per account. Every problem
// in every file is collected before anything is returned, so an operator fixes
// them all in one pass.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { durationMs, type Account, type DomainPolicy, type Gateway, type Policies, type Problem } from './model.js';
import { PUBLIC_MAIL_DOMAINS } from './public-domains.js';
import { AccountFile, GatewayFile, type TokenEntry } from './schema.js';
import { parsePolicyFile, type ParsedFile } from './yaml-file.js';

export type LoadResult =
  | { ok: true; policies: Policies; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

export const GATEWAY_FILE = 'gateway.yaml';

export function loadPolicies(dir: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const root = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    const problem = fileProblem(dir, `cannot read the policies folder: ${(err as NodeJS.ErrnoException).code ?? err}`);
    return { ok: false, problems: [problem], warnings: [] };
  }
  const problems: Problem[] = [];
  if (!names.includes(GATEWAY_FILE)) problems.push(fileProblem(GATEWAY_FILE, `${GATEWAY_FILE} is missing from ${dir}`));

  const gatewayFile = names.includes(GATEWAY_FILE) ? parsePolicyFile(join(root, GATEWAY_FILE), GatewayFile, env) : undefined;
  const accountFiles = names.filter((n) => n !== GATEWAY_FILE).map((n) => parsePolicyFile(join(root, n), AccountFile, env));
  const all = gatewayFile ? [gatewayFile, ...accountFiles] : accountFiles;
  for (const f of all) problems.push(...f.problems);

  if (gatewayFile && !hasErrors(gatewayFile)) problems.push(...checkTokens(gatewayFile, ['admin_tokens'], (gatewayFile.data as GatewayFile).admin_tokens));
  for (const f of accountFiles) if (!hasErrors(f)) problems.push(...checkAccount(f));
  problems.push(...checkAcrossAccounts(accountFiles.filter((f) => !hasErrors(f))));

  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (errors.length > 0 || !gatewayFile) return { ok: false, problems: errors, warnings };

  const version = createHash('sha256');
  for (const f of all) version.update(`${f.file}\0${f.text}\0`);
  const accounts = accountFiles.map((f) => toAccount(f.file, f.data as AccountFile));
  return { ok: true, policies: index(root, version.digest('hex').slice(0, 12), toGateway(gatewayFile.data as GatewayFile), accounts), warnings };
}

const hasErrors = (f: ParsedFile) => f.problems.some((p) => p.severity === 'error');
const fileProblem = (file: string, message: string): Problem => ({ file, line: 1, col: 1, path: '', message, severity: 'error' });

function checkTokens(f: ParsedFile, path: (string | number)[], tokens: TokenEntry[] | undefined): Problem[] {
  return (tokens ?? [])
    .map((t, i) => (t.sha256 === undefined) === (t.token === undefined) ? f.at([...path, i], 'give exactly one of sha256 or token') : undefined)
    .filter((p): p is Problem => p !== undefined);
}

/** Checks inside one account file that the schema cannot express. */
function checkAccount(f: ParsedFile): Problem[] {
  const a = f.data as AccountFile;
  const problems: Problem[] = [];
  const { program, default_license } = a.licensing;
  if (program === 'flexible' && !default_license) {
    const where = f.at(['licensing'], 'is required under the flexible program: free or free_restricted');
    problems.push({ ...where, path: 'licensing.default_license' });
  }
  if (program === 'standard' && default_license) {
    problems.push(f.at(['licensing', 'default_license'], 'applies only under the flexible program; the standard program gives full, or free_restricted when no Full seat is left'));
  }

  const teamIds = new Set<string>();
  a.teams.forEach((t, i) => {
    if (teamIds.has(t.id)) problems.push(f.at(['teams', i, 'id'], `duplicate team id ${t.id}`));
    teamIds.add(t.id);
  });
  const defaults = a.teams.flatMap((t, i) => (t.default ? [i] : []));
  if (defaults.length === 0) problems.push(f.at(['teams'], 'no default team: mark exactly one team with default: true'));
  for (const i of defaults.slice(1)) {
    problems.push(f.at(['teams', i, 'default'], `two default teams: ${a.teams[defaults[0]].id} and ${a.teams[i].id}; keep exactly one`));
  }

  const domainNames = new Set<string>();
  (a.domains ?? []).forEach((d, i) => {
    if (domainNames.has(d.name)) problems.push(f.at(['domains', i, 'name'], `duplicate domain ${d.name}`));
    domainNames.add(d.name);
    if (PUBLIC_MAIL_DOMAINS.has(d.name)) {
      problems.push(f.at(['domains', i, 'name'], `${d.name} is a public mail domain; its users belong to no company and can never be captured`));
    }
    const v = d.verification;
    if (v.method === 'dns' && !v.token) problems.push(f.at(['domains', i, 'verification', 'token'], 'is required for dns verification'));
    if (v.method === 'dns' && v.verified !== undefined) {
      problems.push(f.at(['domains', i, 'verification', 'verified'], 'applies only to manual verification; dns domains are verified by `doorman domains verify`'));
    }
    if (v.method === 'manual' && v.verified) {
      problems.push(f.at(['domains', i, 'verification', 'verified'], `${d.name} is marked verified by hand, without a DNS check`, 'warning'));
    }
  });

  (a.connections ?? []).forEach((c, i) => {
    const at = (path: (string | number)[], message: string) => problems.push(f.at(['connections', i, ...path], message));
    if (!c[c.type]) at([c.type], `is required for a ${c.type} connection`);
    const saml = c.type === 'saml' ? c.saml : undefined;
    if (saml && !saml.idp_metadata) {
      for (const key of ['idp_entity_id', 'sso_url', 'idp_certificates'] as const) {
        if (!saml[key]) at(['saml', key], 'is required unless idp_metadata gives it');
      }
    }
    if (saml?.idp_metadata && !saml.idp_metadata.file === !saml.idp_metadata.url) at(['saml', 'idp_metadata'], 'give exactly one of file or url');
    if (saml?.sign_requests && !saml.sp_signing_key) at(['saml', 'sp_signing_key'], 'is required when sign_requests is true');
    const other = c.type === 'saml' ? 'oidc' : 'saml';
    if (c[other]) at([other], `does not apply to a ${c.type} connection`);
    if (c.team && !teamIds.has(c.team)) at(['team'], `unknown team ${c.team}; teams: ${[...teamIds].join(', ')}`);
    for (const [group, team] of Object.entries(c.groups_to_teams ?? {})) {
      if (!teamIds.has(team)) at(['groups_to_teams', group], `unknown team ${team}`);
    }
    c.domains.forEach((d, j) => {
      if (!domainNames.has(d)) at(['domains', j], `${d} is not one of this account's domains; declare it under domains first`);
    });
    problems.push(...checkTokens(f, ['connections', i, 'scim', 'tokens'], c.scim?.tokens));
  });

  const rm = a.request_management;
  if (rm?.mode === 'webhook' && !rm.webhook) problems.push(f.at(['request_management', 'webhook'], 'is required when mode is webhook'));
  if ((rm?.mode === 'email' || rm?.mode === 'digest') && !rm.recipients?.length) {
    problems.push(f.at(['request_management', 'recipients'], `is required when mode is ${rm.mode}`));
  }
  return problems;
}

/** Ids and domains are global: one account per domain, one connection per id. */
function checkAcrossAccounts(files: ParsedFile[]): Problem[] {
  const problems: Problem[] = [];
  const claims = { account: new Map<string, string>(), domain: new Map<string, string>(), connection: new Map<string, string>() };
  const claim = (kind: keyof typeof claims, key: string, f: ParsedFile, path: (string | number)[], message: (first: string) => string) => {
    const where = f.at(path, '');
    const first = claims[kind].get(key);
    if (first) problems.push({ ...where, message: message(first) });
    else claims[kind].set(key, `${(f.data as AccountFile).id} (${where.file}:${where.line}:${where.col})`);
  };
  for (const f of files) {
    const a = f.data as AccountFile;
    claim('account', a.id, f, ['id'], (first) => `duplicate account id: account ${first} has it already`);
    (a.domains ?? []).forEach((d, i) =>
      claim('domain', d.name, f, ['domains', i, 'name'], (first) => `${d.name} is already claimed by account ${first}; a domain belongs to one account at most`),
    );
    (a.connections ?? []).forEach((c, i) =>
      claim('connection', c.id, f, ['connections', i, 'id'], (first) => `duplicate connection id ${c.id}: account ${first} has it already; connection ids are part of the URLs`),
    );
  }
  return problems;
}

function toGateway(g: GatewayFile): Gateway {
  return {
    publicUrl: g.public_url.replace(/\/+$/, ''),
    upstreamUrl: g.upstream_url.replace(/\/+$/, ''),
    listen: { host: g.listen?.host ?? '127.0.0.1', port: g.listen?.port ?? 8080 },
    session: {
      cookieName: g.session?.cookie_name ?? 'doorman_session',
      idleTimeoutMs: durationMs(g.session?.idle_timeout ?? '30m'),
      absoluteTimeoutMs: durationMs(g.session?.absolute_timeout ?? '12h'),
    },
    database: { url: g.database?.url, poolMax: g.database?.pool_max ?? 10 },
    dataDir: g.data_dir ?? './data',
    smtp: g.smtp,
    adminTokens: g.admin_tokens ?? [],
    identity: { signingKey: g.identity?.signing_key },
    proxy: { connectTimeoutMs: durationMs(g.proxy?.connect_timeout ?? '5s'), responseTimeoutMs: durationMs(g.proxy?.response_timeout ?? '60s') },
    dnsServers: g.dns_servers,
    rateLimits: {
      signup: {
        perAddress: g.rate_limits?.signup?.per_address ?? 5,
        perClient: g.rate_limits?.signup?.per_client ?? 30,
        windowMs: durationMs(g.rate_limits?.signup?.window ?? '1h'),
      },
      login: { perClient: g.rate_limits?.login?.per_client ?? 300, windowMs: durationMs(g.rate_limits?.login?.window ?? '1m') },
      scim: { perToken: g.rate_limits?.scim?.per_token ?? 600, windowMs: durationMs(g.rate_limits?.scim?.window ?? '1m') },
    },
    shutdownTimeoutMs: durationMs(g.shutdown_timeout ?? '10s'),
    metricsAllow: g.metrics?.allow ?? ['127.0.0.1', '::1'],
    webhooks: {
      retryBackoffMs: durationMs(g.webhooks?.retry_backoff ?? '30s'),
      retryBackoffMaxMs: durationMs(g.webhooks?.retry_backoff_max ?? '1h'),
      pollIntervalMs: durationMs(g.webhooks?.poll_interval ?? '5s'),
    },
    accountCreationRoutes: (g.restrictions?.account_creation ?? []).map((route) => {
      const [method, path] = route.split(' ', 2);
      return { method, path };
    }),
  };
}

function toAccount(file: string, a: AccountFile): Account {
  const domains: DomainPolicy[] = (a.domains ?? []).map((d) => ({
    name: d.name,
    control: d.control ?? 'off',
    verification: { method: d.verification.method, token: d.verification.token, verified: d.verification.method === 'manual' && d.verification.verified === true },
  }));
  return {
    id: a.id,
    name: a.name,
    file,
    licensing: {
      program: a.licensing.program,
      seatsFull: a.licensing.seats.full,
      defaultLicense: a.licensing.program === 'flexible' ? (a.licensing.default_license ?? null) : null,
    },
    teams: a.teams.map((t) => ({ id: t.id, name: t.name, isDefault: t.default === true })),
    defaultTeam: a.teams.find((t) => t.default)!.id,
    domains,
    connections: a.connections ?? [],
    admins: { emails: (a.admins?.emails ?? []).map((e) => e.toLowerCase()), groups: a.admins?.groups ?? [] },
    invitations: { whoMayInvite: a.invitations?.who_may_invite ?? 'admins', expireAfterMs: durationMs(a.invitations?.expire_after ?? '14d') },
    requestManagement: a.request_management ?? { mode: 'none' },
    usage: { idleFullAfterDays: a.usage?.idle_full_after_days ?? 30 },
  };
}

function index(dir: string, version: string, gateway: Gateway, accounts: Account[]): Policies {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const byDomain = new Map(accounts.flatMap((a) => a.domains.map((d) => [d.name, { account: a, domain: d }] as const)));
  const byConnection = new Map(accounts.flatMap((a) => a.connections.map((c) => [c.id, { account: a, connection: c }] as const)));
  return {
    version,
    dir,
    gateway,
    accounts,
    account: (id) => byId.get(id),
    domain: (name) => byDomain.get(name.toLowerCase()),
    connection: (id) => byConnection.get(id),
  };
}
