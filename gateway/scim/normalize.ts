// What an IdP sends, in the canonical shape Doorman stores: attribute names as
// the schema spells them (SCIM names are case-insensitive), booleans as booleans
// (Entra sends "True"), a complex attribute given as a bare value wrapped
// ({ value }), read-only and write-only attributes (id, meta, password) dropped,
// null meaning "unassigned". Attributes no schema defines are ignored.
import { invalidValue } from './errors.js';
import { ENTERPRISE_ATTRIBUTES, ENTERPRISE_SCHEMA, EXTERNAL_ID, GROUP_ATTRIBUTES, USER_ATTRIBUTES, type AttrDef } from './schemas.js';

export type Doc = Record<string, unknown>;

export interface ResourceShape {
  core: AttrDef[];
  /** Extension schema URN -> its attributes; stored under the URN as an object. */
  extensions: Record<string, AttrDef[]>;
}

export const USER_SHAPE: ResourceShape = { core: [EXTERNAL_ID, ...USER_ATTRIBUTES], extensions: { [ENTERPRISE_SCHEMA]: ENTERPRISE_ATTRIBUTES } };
export const GROUP_SHAPE: ResourceShape = { core: [EXTERNAL_ID, ...GROUP_ATTRIBUTES], extensions: {} };

export const findAttr = (defs: readonly AttrDef[], name: string): AttrDef | undefined => {
  const lower = name.toLowerCase();
  return defs.find((d) => d.name.toLowerCase() === lower);
};

export const findExtension = (shape: ResourceShape, urn: string): string | undefined => {
  const lower = urn.toLowerCase();
  return Object.keys(shape.extensions).find((u) => u.toLowerCase() === lower);
};

export const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function single(def: AttrDef, raw: unknown, path: string): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (def.type === 'complex') {
    const subs = def.subAttributes ?? [];
    const wrapped = isObject(raw) ? raw : findAttr(subs, 'value') ? { value: raw } : undefined;
    if (!wrapped) throw invalidValue(`${path} must be an object`);
    const out = normalizeObject(subs, wrapped, path);
    return Object.keys(out).length ? out : undefined;
  }
  if (def.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    throw invalidValue(`${path} must be a boolean`);
  }
  if (typeof raw === 'string') {
    // PostgreSQL text cannot hold NUL.
    if (raw.includes('\u0000')) throw invalidValue(`${path} may not contain NUL`);
    return raw;
  }
  if (typeof raw === 'number') return String(raw);
  throw invalidValue(`${path} must be a string`);
}

/** The canonical value of one attribute; undefined: the attribute is unassigned. */
export function normalizeValue(def: AttrDef, raw: unknown, path = def.name): unknown {
  if (def.mutability === 'writeOnly' || raw === null || raw === undefined) return undefined;
  if (!def.multiValued) {
    if (Array.isArray(raw)) {
      if (raw.length > 1) throw invalidValue(`${path} takes one value`);
      return single(def, raw[0], path);
    }
    return single(def, raw, path);
  }
  const items = (Array.isArray(raw) ? raw : [raw]).map((v) => single(def, v, path)).filter((v) => v !== undefined);
  return items.length ? items : undefined;
}

function normalizeObject(defs: readonly AttrDef[], input: Doc, path: string): Doc {
  const out: Doc = {};
  for (const [key, raw] of Object.entries(input)) {
    const def = findAttr(defs, key);
    if (!def || def.mutability === 'readOnly') continue;
    const value = normalizeValue(def, raw, `${path}.${def.name}`);
    if (value !== undefined) out[def.name] = value;
  }
  return out;
}

/** A whole resource (POST, PUT): its attributes, extensions under their URN. */
export function normalizeResource(shape: ResourceShape, input: Doc): Doc {
  const doc: Doc = {};
  for (const [key, raw] of Object.entries(input)) {
    const urn = findExtension(shape, key);
    if (urn) {
      if (!isObject(raw)) continue;
      const ext = normalizeObject(shape.extensions[urn], raw, urn);
      if (Object.keys(ext).length) doc[urn] = ext;
      continue;
    }
    const def = key.toLowerCase().startsWith('urn:') ? undefined : findAttr(shape.core, key);
    if (!def || def.mutability === 'readOnly') continue;
    const value = normalizeValue(def, raw);
    if (value !== undefined) doc[def.name] = value;
  }
  return doc;
}
