// attributes / excludedAttributes (RFC 7644 3.4.2.5) on a rendered resource.
// id and schemas are always returned. Names are case-insensitive and may carry their schema URN.
import { isObject, type Doc } from './normalize.js';

interface Name {
  /** The extension object holding the attribute, or null for the resource itself. */
  container: string | null;
  attr: string;
  sub: string | null;
}

const keyOf = (o: Doc, name: string) => Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());

function parseName(resource: Doc, raw: string): Name | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  const whole = keyOf(resource, text);
  if (whole) return { container: null, attr: whole, sub: null };
  let container: string | null = null;
  let rest = text;
  if (text.toLowerCase().startsWith('urn:')) {
    const cut = text.lastIndexOf(':');
    const ext = keyOf(resource, text.slice(0, cut));
    container = ext && isObject(resource[ext]) ? ext : null;
    rest = text.slice(cut + 1);
  }
  const [attr, sub = null] = rest.split('.', 2);
  return { container, attr, sub };
}

export const splitList = (value: unknown): string[] | null => (typeof value === 'string' && value.trim() ? value.split(',').map((s) => s.trim()).filter(Boolean) : null);

export function project(resource: Doc, attributes: string[] | null, excluded: string[] | null): Doc {
  if (attributes) {
    const out: Doc = { schemas: resource.schemas, id: resource.id };
    for (const raw of attributes) {
      const name = parseName(resource, raw);
      if (!name) continue;
      const from = name.container ? (resource[name.container] as Doc) : resource;
      const key = keyOf(from, name.attr);
      if (!key) continue;
      const to = name.container ? ((out[name.container] as Doc | undefined) ?? (out[name.container] = {})) as Doc : out;
      const value = from[key];
      if (!name.sub) to[key] = value;
      else if (Array.isArray(value)) to[key] = value.map((el) => (isObject(el) ? pick(el, name.sub!) : el));
      else if (isObject(value)) to[key] = { ...(isObject(to[key]) ? (to[key] as Doc) : {}), ...pick(value, name.sub) };
    }
    return out;
  }
  if (!excluded) return resource;
  const out: Doc = structuredClone(resource);
  for (const raw of excluded) {
    const name = parseName(out, raw);
    if (!name) continue;
    const from = name.container ? (out[name.container] as Doc) : out;
    const key = keyOf(from, name.attr);
    if (!key || (!name.container && (key === 'id' || key === 'schemas'))) continue;
    if (!name.sub) delete from[key];
    else for (const el of Array.isArray(from[key]) ? from[key] : [from[key]]) if (isObject(el)) delete el[keyOf(el, name.sub) ?? ''];
  }
  return out;
}

const pick = (o: Doc, sub: string): Doc => {
  const key = keyOf(o, sub);
  return key ? { [key]: o[key] } : {};
}
