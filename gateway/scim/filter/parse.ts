// The SCIM filter grammar (RFC 7644 3.4.2.2) as a recursive-descent parser:
//   filter   = andExpr *("or" andExpr)        and binds tighter than or
//   andExpr  = unary *("and" unary)
//   unary    = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath
//   attrExp  = attrPath "pr" / attrPath compareOp compValue
//   valuePath = attrPath "[" valFilter "]" [ "." subAttr (compareOp compValue / "pr") ]
// Attribute paths come out lowercase and without their schema URN. Anything else
// is an invalidFilter ScimError; the parser never throws anything else.
import type { CompareOp, FilterValue, ScimFilter } from '../../../db/repositories/scim-filter.js';
import { invalidFilter } from '../errors.js';

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_LENGTH = 4096;
const MAX_DEPTH = 32;

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'value'; value: FilterValue; at: number }
  | { kind: '(' | ')' | '[' | ']'; at: number };

const WORD = /[A-Za-z0-9:._$-]+/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![A-Za-z0-9:._$-])/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (re: RegExp) => {
    re.lastIndex = i;
    return re.exec(input)?.[0];
  };
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, at: i++ });
    } else if (c === '"') {
      const text = match(STRING);
      if (!text) throw invalidFilter(`unterminated or malformed string at ${i + 1}`);
      const value = JSON.parse(text) as string;
      // PostgreSQL text cannot hold NUL.
      if (value.includes('\u0000')) throw invalidFilter(`a string may not contain NUL (at ${i + 1})`);
      tokens.push({ kind: 'value', value, at: i });
      i += text.length;
    } else {
      const number = match(NUMBER);
      if (number) {
        tokens.push({ kind: 'value', value: Number(number), at: i });
        i += number.length;
        continue;
      }
      const word = match(WORD);
      if (!word) throw invalidFilter(`unexpected character ${JSON.stringify(c)} at ${i + 1}`);
      tokens.push({ kind: 'word', text: word, at: i });
      i += word.length;
    }
  }
  return tokens;
}

const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_$-]*$/;

/** "urn:...:User:name.givenName" -> "name.givenname". */
export function attributePath(text: string): string {
  const lower = text.toLowerCase();
  const path = lower.startsWith('urn:') ? lower.slice(lower.lastIndexOf(':') + 1) : lower;
  const parts = path.split('.');
  if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) throw invalidFilter(`${text} is not an attribute path`);
  return path;
}

/** A filter; with `within`, the filter inside a value path of that attribute (its attributes come out as within.sub). */
export function parseFilter(input: string, within: string | null = null): ScimFilter {
  if (input.length > MAX_LENGTH) throw invalidFilter(`a filter may be at most ${MAX_LENGTH} characters`);
  const tokens = tokenize(input);
  let pos = 0;
  let depth = 0;

  const peek = () => tokens[pos];
  const describe = (t: Token | undefined) => (t ? `${t.kind === 'word' ? t.text : t.kind === 'value' ? JSON.stringify(t.value) : t.kind} at ${t.at + 1}` : 'the end');
  const isWord = (t: Token | undefined, ...words: string[]): t is Extract<Token, { kind: 'word' }> => t?.kind === 'word' && words.includes(t.text.toLowerCase());
  const expect = (kind: '(' | ')' | '[' | ']') => {
    const t = tokens[pos];
    if (t?.kind !== kind) throw invalidFilter(`expected ${kind} but found ${describe(t)}`);
    pos++;
  };
  const nested = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw invalidFilter(`a filter may nest at most ${MAX_DEPTH} levels`);
    const result = fn();
    depth--;
    return result;
  };

  const value = (): FilterValue => {
    const t = tokens[pos++];
    if (t?.kind === 'value') return t.value;
    if (isWord(t, 'true')) return true;
    if (isWord(t, 'false')) return false;
    if (isWord(t, 'null')) return null;
    throw invalidFilter(`expected a value but found ${describe(t)}`);
  };

  /** After an attribute path: pr, or an operator and a value. */
  const attrExp = (attr: string): ScimFilter => {
    const op = tokens[pos++];
    const name = op?.kind === 'word' ? op.text.toLowerCase() : '';
    if (name === 'pr') return { kind: 'present', attr };
    if (COMPARE_OPS.has(name)) return { kind: 'compare', attr, op: name as CompareOp, value: value() };
    throw invalidFilter(`expected an operator after ${attr} but found ${describe(op)}`);
  };

  const or = (within: string | null): ScimFilter => {
    let left = and(within);
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: and(within) };
    }
    return left;
  };

  const and = (within: string | null): ScimFilter => {
    let left = unary(within);
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: unary(within) };
    }
    return left;
  };

  const unary = (within: string | null): ScimFilter =>
    nested(() => {
      const t = peek();
      if (isWord(t, 'not') && tokens[pos + 1]?.kind === '(') {
        pos++;
        expect('(');
        const filter = or(within);
        expect(')');
        return { kind: 'not', filter };
      }
      if (t?.kind === '(') {
        pos++;
        const filter = or(within);
        expect(')');
        return filter;
      }
      if (t?.kind !== 'word') throw invalidFilter(`expected an attribute but found ${describe(t)}`);
      pos++;
      const path = attributePath(t.text);
      const attr = within ? `${within}.${path}` : path;
      if (peek()?.kind !== '[') return attrExp(attr);
      if (within || path.includes('.')) throw invalidFilter(`${t.text}: value paths do not nest`);
      pos++;
      const filter = or(path);
      expect(']');
      const next = peek();
      if (next?.kind === 'word' && next.text.startsWith('.')) {
        pos++;
        const sub = attributePath(next.text.slice(1));
        return { kind: 'within', attr: path, filter: { kind: 'and', left: filter, right: attrExp(`${path}.${sub}`) } };
      }
      return { kind: 'within', attr: path, filter };
    });

  const filter = or(within);
  if (pos < tokens.length) throw invalidFilter(`unexpected ${describe(tokens[pos])}`);
  return filter;
}
