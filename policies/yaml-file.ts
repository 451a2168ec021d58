// One policy file: parsed with positions, ${ENV} references resolved, checked
// against its JSON Schema. Every problem carries file:line:col and a key path.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import type { Problem } from './model.js';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, keywords: ['x-message'] });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const compiled = new WeakMap<TSchema, ValidateFunction>();

type PathSegment = string | number;

export interface ParsedFile {
  file: string;
  text: string;
  data: unknown;
  /** Problems found so far; `data` is only trustworthy when none is an error. */
  problems: Problem[];
  /** Where a key path sits in the file, for problems found later. */
  at(path: PathSegment[], message: string, severity?: Problem['severity']): Problem;
}

export const formatPath = (path: PathSegment[]): string =>
  path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function parsePolicyFile(path: string, schema: TSchema, env: NodeJS.ProcessEnv): ParsedFile {
  const file = basename(path);
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems: Problem[] = [];

  const position = (offset: number) => lines.linePos(offset);
  const problemAt = (offset: number, path: PathSegment[], message: string, severity: Problem['severity'] = 'error'): Problem => {
    const { line, col } = position(offset);
    return { file, line, col, path: formatPath(path), message, severity };
  };
  const at = (path: PathSegment[], message: string, severity: Problem['severity'] = 'error'): Problem =>
    problemAt(offsetOf(doc, path), path, message, severity);

  for (const error of [...doc.errors, ...doc.warnings]) {
    problems.push(problemAt(error.pos[0], [], `YAML: ${error.message.split('\n')[0]}`, error.name === 'YAMLWarning' ? 'warning' : 'error'));
  }
  if (doc.errors.length > 0) return { file, text, data: undefined, problems, at };

  resolveEnv(doc, env, (offset, path, message) => problems.push(problemAt(offset, path, message)));
  const data: unknown = doc.toJS() ?? {};

  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  if (!validate(data)) {
    // A value whose ${ENV} reference is missing has been reported already.
    const unresolved = new Set(problems.map((p) => p.path));
    for (const error of collapse(validate.errors ?? [])) {
      const problem = describe(error, doc, problemAt);
      if (!unresolved.has(problem.path)) problems.push(problem);
    }
  }
  return { file, text, data, problems, at };
}

function resolveEnv(doc: Document, env: NodeJS.ProcessEnv, report: (offset: number, path: PathSegment[], message: string) => void) {
  visit(doc, {
    Scalar(_key, node, ancestry) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(ENV_REF, (_ref, name: string) => {
        const value = env[name];
        if (value === undefined || value === '') {
          report(node.range?.[0] ?? 0, pathOf(ancestry, node), `environment variable ${name} is not set (referenced as \${${name}})`);
          return '';
        }
        return value;
      });
    },
  });
}

function pathOf(ancestry: readonly unknown[], node: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let child: unknown = node;
  for (let i = ancestry.length - 1; i >= 0; i--) {
    const parent = ancestry[i] as { items?: unknown[]; key?: unknown; value?: unknown };
    if (Array.isArray(parent.items)) {
      const index = parent.items.indexOf(child);
      const item = parent.items[index];
      if (!(item && typeof item === 'object' && 'key' in item)) path.unshift(index);
    } else if ('key' in parent && parent.value === child && isScalar(parent.key)) {
      path.unshift(String(parent.key.value));
    }
    child = parent;
  }
  return path;
}

function offsetOf(doc: Document, path: PathSegment[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    if (node?.range) return node.range[0];
  }
  return 0;
}

/** An anyOf failure is one problem, not one per branch. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  return errors.filter((e) => e.keyword === 'anyOf' || !anyOfs.some((p) => e.schemaPath.startsWith(`${p}/`)));
}

const toSegments = (pointer: string): PathSegment[] =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));

function describe(
  error: ErrorObject,
  doc: Document,
  problemAt: (offset: number, path: PathSegment[], message: string) => Problem,
): Problem {
  const path = toSegments(error.instancePath);
  const offset = offsetOf(doc, path);
  const schema = error.parentSchema as { 'x-message'?: string; properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return problemAt(offset, [...path, missing], 'is required');
    }
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(schema?.properties ?? {});
      const guess = closest(key, known);
      const parent = (path.length ? doc.getIn(path, true) : doc.contents) as Node | null;
      const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
      const keyOffset = (isScalar(pair?.key) && pair.key.range?.[0]) || offset;
      const hint = guess ? ` (did you mean ${guess}?)` : `; known keys: ${known.join(', ')}`;
      return problemAt(keyOffset, [...path, key], `is not a known key${hint}`);
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return problemAt(offset, path, `must be one of ${allowed.join(', ')}`);
    }
    case 'pattern':
    case 'anyOf':
      return problemAt(offset, path, schema?.['x-message'] ?? error.message ?? 'is not valid');
    case 'type':
      return problemAt(offset, path, `must be ${article((error.params as { type: string }).type)}`);
    default:
      return problemAt(offset, path, error.message ?? 'is not valid');
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = levenshtein(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
