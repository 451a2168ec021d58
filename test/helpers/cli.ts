// Run the real `doorman` command in a child process.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { rememberSecretEnv, servedLogs } from './secrets.js';

/** Start-up under a loaded CI machine, with a cold compile cache, can take a while. */
const START_TIMEOUT_MS = 45_000;

export const BIN = new URL('../../bin/doorman.js', import.meta.url).pathname;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function doorman(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Served {
  url: string;
  child: ChildProcess;
  /** Every log line the process printed so far. */
  logs: string[];
  /** The first log entry (parsed) that matches, waiting for it: log lines arrive over a pipe. */
  waitForLog(match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  stop(): Promise<number | null>;
}

export type LogEntry = { msg?: string; reason?: string; [key: string]: unknown };

/** `doorman serve` on a free port; resolves once it logs that it listens. */
export async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, DOORMAN_LOG_PRETTY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  servedLogs.push(logs);
  rememberSecretEnv(env);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      // Anything that is not a JSON log line (a library printing on its own) is kept but not parsed.
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'doorman listening' && entry.url) resolve(entry.url);
    });
    child.once('exit', (code) => reject(new Error(`doorman serve exited with ${code}: ${stderr}`)));
    // A gateway that never says it listens is a failure with its output, not a hung suite.
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`doorman serve did not start within ${START_TIMEOUT_MS} ms: ${stderr}\n${logs.join('\n')}`));
    }, START_TIMEOUT_MS);
  }).finally(() => clearTimeout(timer));
  return {
    url,
    child,
    logs,
    async waitForLog(match, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogEntry).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error('no such log line');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
