// A value filter evaluated in memory against one element of a multi-valued
// attribute, for PATCH paths such as emails[type eq "work"] or members[value eq "id"].
import type { FilterValue, ScimFilter } from '../../../db/repositories/scim-filter.js';
import { invalidFilter } from '../errors.js';

type Element = Record<string, unknown>;

const lookup = (element: Element, path: string): unknown => {
  const name = path.slice(path.indexOf('.') + 1);
  const key = Object.keys(element).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : element[key];
};

const asComparable = (v: unknown): string | number | boolean | undefined =>
  typeof v === 'string' ? v.toLowerCase() : typeof v === 'number' || typeof v === 'boolean' ? v : undefined;

function compare(actual: unknown, op: string, expected: FilterValue): boolean {
  if (expected === null) return op === 'eq' ? actual === undefined || actual === null : op === 'ne' ? actual !== undefined && actual !== null : false;
  let a = asComparable(actual);
  let e = asComparable(expected);
  // Entra sends booleans as strings: "True".
  if (typeof a === 'boolean' && typeof e === 'string' && (e === 'true' || e === 'false')) e = e === 'true';
  if (typeof e === 'boolean' && typeof a === 'string' && (a === 'true' || a === 'false')) a = a === 'true';
  if (a === undefined || e === undefined) return op === 'ne';
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return String(a).includes(String(e));
    case 'sw':
      return String(a).startsWith(String(e));
    case 'ew':
      return String(a).endsWith(String(e));
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    default:
      return a <= e;
  }
}

export function matches(element: unknown, filter: ScimFilter): boolean {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return false;
  const el = element as Element;
  switch (filter.kind) {
    case 'and':
      return matches(el, filter.left) && matches(el, filter.right);
    case 'or':
      return matches(el, filter.left) || matches(el, filter.right);
    case 'not':
      return !matches(el, filter.filter);
    case 'present': {
      const v = lookup(el, filter.attr);
      return v !== undefined && v !== null && v !== '';
    }
    case 'compare':
      return compare(lookup(el, filter.attr), filter.op, filter.value);
    case 'within':
      throw invalidFilter('value paths do not nest');
  }
}

/** The element a filter of eq comparisons describes (for add/replace to a value path nothing matches yet). */
export function elementOf(filter: ScimFilter): Element | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null) return { [filter.attr.slice(filter.attr.indexOf('.') + 1)]: filter.value };
  if (filter.kind !== 'and') return undefined;
  const left = elementOf(filter.left);
  const right = elementOf(filter.right);
  return left && right ? { ...left, ...right } : undefined;
}
