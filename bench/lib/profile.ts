// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per file,
// files named relative to the project, node_modules by package, Node's own as node:...
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (the one process.hrtime reads). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the monotonic clock in microseconds, e.g. the timed part of a benchmark. */
export interface Window {
  startUs: number;
  endUs: number;
}

/** Now on the clock the profiler stamps its samples with. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export interface HotSpot {
  /** A function (`name (file:line)`), or a file / package / category. */
  what: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: HotSpot[];
  files: HotSpot[];
  /** Self time by who owns the code: doorman, a package, node internals, GC, idle. */
  owners: HotSpot[];
}

const ROOT = new URL('../../', import.meta.url).pathname;

/** A readable file name: project-relative, `pkg:name/...` for packages, `node:` for Node's own. */
export function fileOf(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length);
    return `pkg:${rest}`;
  }
  if (path.startsWith(ROOT)) return path.slice(ROOT.length);
  if (path.startsWith('node:')) return path;
  return path;
}

/** Who owns a file: `doorman`, the package name, `node` or a V8 category. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'v8: garbage collector';
    if (functionName === '(idle)' || functionName === '(program)') return `v8: ${functionName}`;
    return 'native (V8 builtins, C++)';
  }
  const file = fileOf(url);
  if (file.startsWith('pkg:')) {
    const parts = file.slice(4).split('/');
    return `pkg ${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (file.startsWith('node:')) return 'node internals';
  if (/^(gateway|db|policies)\//.test(file)) return `doorman ${file.split('/')[0]}/`;
  return file;
}

function top(map: Map<string, number>, totalMs: number, n: number): HotSpot[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, selfMs]) => ({ what, selfMs, share: totalMs ? selfMs / totalMs : 0 }));
}

/** Only samples inside `window` count when given (startup and module loading left out). */
export function summarizeProfile(path: string, n = 12, window?: Window): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.startUs || at > window.endUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const owners = new Map<string, number>();
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    // Idle time is not work: left out of every share.
    if (functionName === '(idle)') continue;
    const ms = us / 1000;
    totalMs += ms;
    const name = `${functionName || '(anonymous)'}${url ? ` (${fileOf(url)}:${lineNumber + 1})` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const file = url ? fileOf(url) : functionName;
    files.set(file, (files.get(file) ?? 0) + ms);
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
  }
  return { totalMs, functions: top(functions, totalMs, n), files: top(files, totalMs, n), owners: top(owners, totalMs, n) };
}

/** The summarizer on its own: `node --import tsx bench/lib/profile.ts FILE.cpuprofile`. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const summary = summarizeProfile(process.argv[2] ?? '');
  const show = (title: string, spots: HotSpot[]) => {
    console.log(`\n${title}`);
    for (const s of spots) console.log(`${(s.share * 100).toFixed(1).padStart(5)}%  ${s.selfMs.toFixed(0).padStart(7)} ms  ${s.what}`);
  };
  console.log(`total sampled (non-idle): ${summary.totalMs.toFixed(0)} ms`);
  show('by owner', summary.owners);
  show('by file', summary.files);
  show('by function', summary.functions);
}
