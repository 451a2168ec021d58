// The processes a benchmark measures: the gateway (`doorman serve`), the upstream app and
// the minimal proxy, each a child process so that /proc gives its own CPU time and memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = new URL('../../bin/doorman.js', import.meta.url).pathname;
const here = (name: string) => new URL(name, import.meta.url).pathname;

export interface Child {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** A bench/lib child script (TypeScript, through tsx) that prints `LISTENING <url>`. */
async function startScript(script: string, args: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', here(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('LISTENING ')) resolve(line.slice('LISTENING '.length));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url, pid: child.pid!, child, stop: () => stopChild(child) };
}

export const startUpstream = (): Promise<Child> => startScript('upstream-server.ts');
export const startMinimalProxy = (upstreamUrl: string): Promise<Child> => startScript('minimal-proxy-server.ts', [upstreamUrl]);

export interface GatewayOptions {
  policiesDir: string;
  db: string;
  /** A fixed port (SAML and OIDC sign their callback URLs); 0 picks one. */
  port?: number;
  /** Write a V8 CPU profile (.cpuprofile) into this folder when the process exits. */
  cpuProfDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Gateway extends Child {
  logFile: string;
}

/**
 * `doorman serve`. Its JSON log goes to a file, not through a pipe to this process, so
 * that reading it costs the measuring process nothing; the file is polled for the
 * "doorman listening" line.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const logFile = join(mkdtempSync(join(tmpdir(), 'doorman-bench-log-')), 'gateway.log');
  const fd = openSync(logFile, 'w');
  // Node refuses --cpu-prof in NODE_OPTIONS: it goes on the command line.
  const profiling = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profiling, BIN, 'serve', '--policies', opts.policiesDir, '--db', opts.db, '--port', String(opts.port ?? 0)], {
    env: { ...process.env, DOORMAN_LOG_PRETTY: '0', ...opts.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    if (child.exitCode !== null) throw new Error(`doorman serve exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`doorman serve did not start:\n${readFileSync(logFile, 'utf8')}`);
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'doorman listening' && entry.url) url = entry.url;
    }
    if (!url) await new Promise((r) => setTimeout(r, 50));
  }
  return { url, pid: child.pid!, child, logFile, stop: () => stopChild(child, 30_000) };
}

/** The log lines of a gateway so far, parsed. */
export function gatewayLog(gateway: Gateway): { msg?: string; reason?: string; [key: string]: unknown }[] {
  return readFileSync(gateway.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; reason?: string });
}
