// A list request's filter text, parsed, and run by a repository: every way a
// filter can be wrong (syntax, unknown attribute, type) is a 400 invalidFilter.
import { FilterNotSupported, type ScimFilter } from '../../../db/repositories/scim-filter.js';
import { invalidFilter } from '../errors.js';
import { parseFilter } from './parse.js';

export async function compiledFilter<T>(text: string | null, run: (filter: ScimFilter | null) => Promise<T>): Promise<T> {
  const parsed = text === null || text.trim() === '' ? null : parseFilter(text);
  try {
    return await run(parsed);
  } catch (err) {
    if (err instanceof FilterNotSupported) throw invalidFilter(err.message);
    throw err;
  }
}
