// Property test of the filter path a list request takes (parse -> compile -> SQL):
// thousands of generated inputs, random tokens and mutations of valid filters, give
// either a result or a 400 invalidFilter ScimError; nothing else escapes (no 500).
import { expect } from 'chai';
import { ScimError } from '../../gateway/scim/errors.js';
import { compiledFilter } from '../../gateway/scim/filter/query.js';
import { forEachEngine } from '../helpers/db.js';

const VALID = [
  'userName eq "ann@acme.test"',
  'externalId eq "00ujl29u0le5T6Aj10h7"',
  'emails[type eq "work" and value co "@acme"]',
  'emails[type eq "work"].value eq "a@b.c"',
  'name.familyName sw "Jen" or not (title pr)',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"',
  'meta.lastModified gt "2011-05-13T04:42:34Z" and active eq true',
  '(displayName ew "x" or department ne null) and emails.primary eq false',
  'userName ge "a" and userName lt "z" and employeeNumber le 5',
  'userName eq "\\u0000"',
];
const TOKENS = ['userName', 'emails', 'name.givenName', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not', '(', ')', '[', ']', '"x"', '"', '\\', 'true', 'false', 'null', '42', '-1e9', '.value', 'urn:x:y', "'", '%', '_', '*', '\u0000', '"\\u00e9"', '"\\u0000"', 'active', 'meta.created', ' '];

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

function inputs(n: number): string[] {
  const rnd = random(7);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  const out: string[] = [...VALID];
  while (out.length < n) {
    const mode = rnd();
    if (mode < 0.4) {
      out.push(Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => pick(TOKENS)).join(rnd() < 0.8 ? ' ' : ''));
    } else if (mode < 0.9) {
      const chars = [...pick(VALID)];
      for (let k = 0, m = 1 + Math.floor(rnd() * 4); k < m; k++) {
        const i = Math.floor(rnd() * (chars.length + 1));
        const r = rnd();
        if (r < 0.33) chars.splice(i, 1);
        else if (r < 0.66) chars.splice(i, 0, pick([...'()[]" .\\eqnotand', String.fromCharCode(Math.floor(rnd() * 0x3000))]));
        else chars.splice(i, 0, ` ${pick(TOKENS)} `);
      }
      out.push(chars.join(''));
    } else {
      out.push(`${'('.repeat(Math.floor(rnd() * 80))}userName pr${')'.repeat(Math.floor(rnd() * 80))}`);
    }
  }
  return out;
}

describe('scim filter fuzz', function () {
  this.timeout(120_000);
  forEachEngine((t) => {
    it('never fails other than with 400 invalidFilter, over 3000 generated filters', async () => {
      let valid = 0;
      const run = async (text: string, list: () => Promise<unknown>) => {
        try {
          await list();
          return true;
        } catch (err) {
          if (!(err instanceof ScimError)) throw new Error(`${JSON.stringify(text)}: ${String(err)}`);
          expect(err.status, text).to.equal(400);
          expect(err.scimType, text).to.equal('invalidFilter');
          return false;
        }
      };
      for (const text of inputs(3000)) {
        if (await run(text, () => compiledFilter(text, (f) => t.repos.scimUsers.list('c', f, { offset: 0, limit: 5 })))) valid++;
        await run(text, () => compiledFilter(text, (f) => t.repos.scimGroups.list('c', f, { offset: 0, limit: 5 })));
      }
      expect(valid).to.be.greaterThan(VALID.length - 1);
    });
  });
});
