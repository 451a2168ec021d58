// SCIM filters (RFC 7644 3.4.2.2) compiled to one parameterized SQL condition.
// Values are always bindings; column names come only from the tables below.
// Case-insensitive attributes compare lower(col) with lower(?), which the
// lower(col) indexes of migration 0010 serve. Every leaf is NULL-safe (true or
// false, never NULL), so that `not` means what SCIM says for absent attributes.

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/** Attribute paths are lowercase, without schema URN: "username", "name.givenname", "emails.value". */
export type ScimFilter =
  | { kind: 'and' | 'or'; left: ScimFilter; right: ScimFilter }
  | { kind: 'not'; filter: ScimFilter }
  | { kind: 'present'; attr: string }
  | { kind: 'compare'; attr: string; op: CompareOp; value: FilterValue }
  /** A value path, `emails[type eq "work"]`: one element of a multi-valued attribute matches. */
  | { kind: 'within'; attr: string; filter: ScimFilter };

/** A filter names an attribute Doorman cannot filter on, or compares it in a way its type does not allow. */
export class FilterNotSupported extends Error {
  override readonly name = 'FilterNotSupported';
}

type ColumnType = 'string' | 'boolean' | 'dateTime';

interface Column {
  /** A column, or for booleans any boolean SQL expression. */
  sql: string;
  type: ColumnType;
  caseExact: boolean;
  /** The multi-valued attribute the column belongs to (a side table). */
  within?: string;
}

interface SideTable {
  /** "FROM <table> <alias> WHERE <link>" of an EXISTS. */
  from: string;
  link: string;
}

export interface FilterTarget {
  columns: Record<string, Column>;
  sides: Record<string, SideTable>;
}

const text = (sql: string, caseExact = false, within?: string): Column => ({ sql, type: 'string', caseExact, within });

/** scim_users s JOIN users u. */
export const USER_FILTER: FilterTarget = {
  columns: {
    id: text('s.id', true),
    externalid: text('s.external_id', true),
    username: text('s.user_name'),
    displayname: text('s.display_name'),
    'name.givenname': text('s.given_name'),
    'name.familyname': text('s.family_name'),
    'name.formatted': text('s.formatted_name'),
    title: text('s.title'),
    department: text('s.department'),
    employeenumber: text('s.employee_number'),
    'manager.value': text('s.manager_id', true),
    active: { sql: "u.status = 'active'", type: 'boolean', caseExact: true },
    emails: text('e.value', false, 'emails'),
    'emails.value': text('e.value', false, 'emails'),
    'emails.type': text('e.type', false, 'emails'),
    'emails.primary': { sql: 'e.is_primary', type: 'boolean', caseExact: true, within: 'emails' },
    'meta.created': { sql: 's.created_at', type: 'dateTime', caseExact: true },
    'meta.lastmodified': { sql: 's.updated_at', type: 'dateTime', caseExact: true },
  },
  sides: { emails: { from: 'scim_user_emails e', link: 'e.scim_id = s.id' } },
};

/** scim_groups g. */
export const GROUP_FILTER: FilterTarget = {
  columns: {
    id: text('g.id', true),
    externalid: text('g.external_id', true),
    displayname: text('g.display_name'),
    members: text('m.scim_id', true, 'members'),
    'members.value': text('m.scim_id', true, 'members'),
    'meta.created': { sql: 'g.created_at', type: 'dateTime', caseExact: true },
    'meta.lastmodified': { sql: 'g.updated_at', type: 'dateTime', caseExact: true },
  },
  sides: { members: { from: 'scim_group_members m', link: 'm.group_id = g.id' } },
};

export interface CompiledFilter {
  sql: string;
  bindings: (string | number)[];
}

const ORDER: Record<'gt' | 'ge' | 'lt' | 'le', string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

export function compileFilter(filter: ScimFilter, target: FilterTarget, engine: 'sqlite' | 'postgres'): CompiledFilter {
  const bindings: (string | number)[] = [];
  const bind = (value: string | number) => {
    bindings.push(value);
    return '?';
  };

  const column = (attr: string): Column => {
    const found = target.columns[attr];
    if (!found) throw new FilterNotSupported(`cannot filter on ${attr}`);
    return found;
  };

  /** A condition on a column of a side table, outside a value path, becomes an EXISTS. */
  const exists = (side: string, condition: string): string => {
    const table = target.sides[side];
    return `EXISTS (SELECT 1 FROM ${table.from} WHERE ${table.link} AND ${condition})`;
  };

  const likePattern = (value: string, op: 'co' | 'sw' | 'ew', exactGlob: boolean): string => {
    const escaped = exactGlob ? value.replace(/[*?[]/g, (c) => `[${c}]`) : value.replace(/[\\%_]/g, (c) => `\\${c}`);
    const any = exactGlob ? '*' : '%';
    return op === 'co' ? `${any}${escaped}${any}` : op === 'sw' ? `${escaped}${any}` : `${any}${escaped}`;
  };

  const compareString = (col: Column, op: CompareOp, value: string): string => {
    const c = col.sql;
    const folded = col.caseExact ? c : `lower(${c})`;
    const param = () => (col.caseExact ? bind(value) : `lower(${bind(value)})`);
    switch (op) {
      case 'eq':
        return `(${c} IS NOT NULL AND ${folded} = ${param()})`;
      case 'ne':
        return `(${c} IS NULL OR ${folded} <> ${param()})`;
      case 'co':
      case 'sw':
      case 'ew':
        // SQLite's LIKE ignores ASCII case: case-exact matching there uses GLOB.
        if (col.caseExact && engine === 'sqlite') return `(${c} IS NOT NULL AND ${c} GLOB ${bind(likePattern(value, op, true))})`;
        return `(${c} IS NOT NULL AND ${folded} LIKE ${col.caseExact ? bind(likePattern(value, op, false)) : `lower(${bind(likePattern(value, op, false))})`} ESCAPE '\\')`;
      default:
        return `(${c} IS NOT NULL AND ${folded} ${ORDER[op]} ${param()})`;
    }
  };

  const compareBoolean = (col: Column, op: CompareOp, value: boolean): string => {
    if (op !== 'eq' && op !== 'ne') throw new FilterNotSupported(`${op} does not apply to a boolean`);
    const wanted = op === 'eq' ? value : !value;
    return wanted ? `COALESCE(${col.sql}, FALSE)` : `NOT COALESCE(${col.sql}, FALSE)`;
  };

  const compareDate = (col: Column, op: CompareOp, value: string | number): string => {
    const ms = typeof value === 'number' ? value : Date.parse(value);
    if (!Number.isFinite(ms)) throw new FilterNotSupported(`${String(value)} is not a dateTime`);
    if (op === 'co' || op === 'sw' || op === 'ew') throw new FilterNotSupported(`${op} does not apply to a dateTime`);
    const sqlOp = op === 'eq' ? '=' : op === 'ne' ? '<>' : ORDER[op];
    return `(${col.sql} IS NOT NULL AND ${col.sql} ${sqlOp} ${bind(ms)})`;
  };

  const leaf = (col: Column, node: Extract<ScimFilter, { kind: 'compare' }>): string => {
    const { op, value } = node;
    if (value === null) {
      if (op === 'eq') return `(${col.sql} IS NULL)`;
      if (op === 'ne') return `(${col.sql} IS NOT NULL)`;
      throw new FilterNotSupported(`${op} null is not a comparison`);
    }
    if (col.type === 'boolean') {
      const bool = typeof value === 'boolean' ? value : typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : undefined;
      if (bool === undefined) throw new FilterNotSupported(`${node.attr} is a boolean`);
      return compareBoolean(col, op, bool);
    }
    if (typeof value === 'boolean') throw new FilterNotSupported(`${node.attr} is not a boolean`);
    if (col.type === 'dateTime') return compareDate(col, op, value);
    return compareString(col, op, String(value));
  };

  const present = (col: Column): string =>
    col.type === 'string' ? `(${col.sql} IS NOT NULL AND ${col.sql} <> '')` : col.type === 'boolean' ? 'TRUE' : `(${col.sql} IS NOT NULL)`;

  const walk = (node: ScimFilter, inside: string | null): string => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${walk(node.left, inside)} ${node.kind.toUpperCase()} ${walk(node.right, inside)})`;
      case 'not':
        return `(NOT ${walk(node.filter, inside)})`;
      case 'within': {
        if (inside) throw new FilterNotSupported('value paths do not nest');
        if (!target.sides[node.attr]) throw new FilterNotSupported(`${node.attr} is not a multi-valued attribute`);
        return exists(node.attr, walk(node.filter, node.attr));
      }
      case 'present':
      case 'compare': {
        const col = column(node.attr);
        if (inside && col.within !== inside) throw new FilterNotSupported(`${node.attr} is not a sub-attribute of ${inside}`);
        const condition = node.kind === 'present' ? present(col) : leaf(col, node);
        return col.within && !inside ? exists(col.within, condition) : condition;
      }
    }
  };

  return { sql: walk(filter, null), bindings };
}
