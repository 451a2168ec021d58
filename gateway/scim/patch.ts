// PATCH (RFC 7644 3.5.2) on a canonical resource, in every shape the big IdPs send:
// op names in any case ("Replace"), operations with and without path, path-less
// values with dotted ("name.givenName") or URN-qualified keys, value paths
// (emails[type eq "work"].value, members[value eq "id"]), Entra's string booleans
// and its `remove` of members listed in value. Returns a new document; the input is untouched.
import type { ScimFilter } from '../../db/repositories/scim-filter.js';
import { invalidPath, invalidSyntax, ScimError } from './errors.js';
import { elementOf, matches } from './filter/evaluate.js';
import { parseFilter } from './filter/parse.js';
import { findAttr, findExtension, isObject, normalizeValue, type Doc, type ResourceShape } from './normalize.js';
import type { AttrDef } from './schemas.js';

type Op = 'add' | 'replace' | 'remove';

interface Target {
  /** The extension URN the attribute lives under, or null for a core attribute. */
  urn: string | null;
  def: AttrDef;
  filter: ScimFilter | null;
  sub: AttrDef | null;
}

const PATH = /^(?:(urn:[^[\]]*):)?([A-Za-z$][\w$-]*)(?:\[(.*)\])?(?:\.([A-Za-z$][\w$-]*))?$/s;

/** The attribute a path names; undefined for a well-formed path naming an attribute Doorman does not keep. */
function resolve(shape: ResourceShape, path: string): Target | undefined {
  const m = PATH.exec(path.trim());
  if (!m) throw invalidPath(`${path} is not a valid path`);
  const [, prefix, name, filterText, subName] = m;
  let urn: string | null = null;
  let defs = shape.core;
  if (prefix) {
    const ext = findExtension(shape, prefix);
    if (ext) {
      urn = ext;
      defs = shape.extensions[ext];
    } else if (!prefix.toLowerCase().startsWith('urn:ietf:params:scim:schemas:core:2.0:')) {
      return undefined;
    }
  }
  const def = findAttr(defs, name);
  if (!def) return undefined;
  let filter: ScimFilter | null = null;
  if (filterText !== undefined) {
    if (!def.multiValued) throw invalidPath(`${def.name} is not multi-valued`);
    try {
      filter = parseFilter(filterText, def.name.toLowerCase());
    } catch (err) {
      throw err instanceof ScimError ? invalidPath(`${path}: ${err.message}`) : err;
    }
  }
  let sub: AttrDef | null = null;
  if (subName !== undefined) {
    sub = findAttr(def.subAttributes ?? [], subName) ?? null;
    if (!sub) return undefined;
  }
  return { urn, def, filter, sub };
}

const opName = (raw: unknown): Op => {
  const op = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (op === 'add' || op === 'replace' || op === 'remove') return op;
  throw invalidSyntax(`unknown PATCH op ${JSON.stringify(raw)}: use add, replace or remove`);
};

const sameValue = (a: unknown, b: unknown) =>
  isObject(a) && isObject(b) && a.value !== undefined && typeof a.value === typeof b.value && String(a.value).toLowerCase() === String(b.value).toLowerCase();

function apply(doc: Doc, op: Op, target: Target, value: unknown): void {
  const { def, filter, sub } = target;
  const container: Doc = target.urn ? (isObject(doc[target.urn]) ? (doc[target.urn] as Doc) : (doc[target.urn] = {})) : doc;
  const current = container[def.name];

  if (op === 'remove') {
    if (def.multiValued && Array.isArray(current)) {
      // Entra removes members by listing them in value.
      const listed = filter || sub || value === undefined || value === null ? null : (normalizeValue(def, value) as Doc[] | undefined) ?? [];
      const hit = (el: unknown) => (filter ? matches(el, filter) : listed ? listed.some((l) => sameValue(el, l)) : true);
      const kept = sub ? current.map((el) => (hit(el) && isObject(el) ? omit(el, sub.name) : el)) : current.filter((el) => !hit(el));
      if (kept.length) container[def.name] = kept;
      else delete container[def.name];
    } else if (sub && isObject(current)) {
      const rest = omit(current, sub.name);
      if (Object.keys(rest).length) container[def.name] = rest;
      else delete container[def.name];
    } else if (!sub) {
      delete container[def.name];
    }
    return;
  }

  if (filter) {
    const list = Array.isArray(current) ? [...current] : [];
    const newValue = sub ? normalizeValue(sub, value, `${def.name}.${sub.name}`) : normalizeValue({ ...def, multiValued: false }, value);
    let hits = 0;
    const updated = list.map((el) => {
      if (!matches(el, filter) || !isObject(el)) return el;
      hits++;
      if (sub) return newValue === undefined ? omit(el, sub.name) : { ...el, [sub.name]: newValue };
      return isObject(newValue) ? { ...el, ...newValue } : el;
    });
    if (!hits) {
      // Entra adds or replaces emails[type eq "work"].value on a user without one: create it.
      const seed = elementOf(filter);
      if (!seed) throw new ScimError(400, 'noTarget', `nothing matches ${def.name}[...]`);
      const created = normalizeValue({ ...def, multiValued: false }, { ...seed, ...(sub ? { [sub.name]: value } : isObject(value) ? value : {}) });
      if (created !== undefined) updated.push(created);
    }
    container[def.name] = updated;
    return;
  }

  if (sub) {
    if (def.multiValued) throw invalidPath(`${def.name}.${sub.name} needs a value filter, e.g. ${def.name}[type eq "work"].${sub.name}`);
    const v = normalizeValue(sub, value, `${def.name}.${sub.name}`);
    const base = isObject(current) ? current : {};
    const next = v === undefined ? omit(base, sub.name) : { ...base, [sub.name]: v };
    if (Object.keys(next).length) container[def.name] = next;
    else delete container[def.name];
    return;
  }

  const v = normalizeValue(def, value);
  if (v === undefined) {
    delete container[def.name];
  } else if (def.multiValued && op === 'add' && Array.isArray(current)) {
    const added = (v as unknown[]).filter((item) => !current.some((el) => sameValue(el, item)));
    container[def.name] = [...current, ...added];
  } else if (!def.multiValued && def.type === 'complex' && isObject(current) && isObject(v)) {
    // Sub-attributes not given are left as they are (RFC 7644 3.5.2.3).
    container[def.name] = { ...current, ...v };
  } else {
    container[def.name] = v;
  }
}

const omit = (o: Doc, key: string): Doc => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

/** One path-less add/replace: each key of value is a path (dotted or URN-qualified) or an extension's object. */
function applyPathless(shape: ResourceShape, doc: Doc, op: Op, value: unknown): void {
  if (!isObject(value)) throw invalidSyntax(`an ${op} without path needs an object value`);
  for (const [key, v] of Object.entries(value)) {
    const urn = findExtension(shape, key);
    if (urn && isObject(v)) {
      for (const [subKey, subValue] of Object.entries(v)) {
        const target = resolve(shape, `${urn}:${subKey}`);
        if (target && target.def.mutability !== 'readOnly') apply(doc, op, target, subValue);
      }
      continue;
    }
    const target = resolve(shape, key);
    if (target && target.def.mutability !== 'readOnly') apply(doc, op, target, v);
  }
}

export function applyPatch(shape: ResourceShape, doc: Doc, body: unknown): Doc {
  const operations = isObject(body) ? (body.Operations ?? body.operations) : undefined;
  if (!Array.isArray(operations)) throw invalidSyntax('a PATCH body needs an Operations array');
  const next = structuredClone(doc);
  for (const raw of operations) {
    if (!isObject(raw)) throw invalidSyntax('each operation must be an object');
    const op = opName(raw.op);
    const path = raw.path;
    if (path === undefined || path === null || path === '') {
      if (op === 'remove') throw new ScimError(400, 'noTarget', 'remove needs a path');
      applyPathless(shape, next, op, raw.value);
      continue;
    }
    if (typeof path !== 'string') throw invalidPath('path must be a string');
    const target = resolve(shape, path);
    if (target && target.def.mutability !== 'readOnly') apply(next, op, target, raw.value);
  }
  return next;
}
