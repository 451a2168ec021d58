// A PEM value from the policies: the PEM itself (also after ${ENV} resolution) or a
// file path, relative to the policies folder.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function readPem(value: string, policiesDir: string): string {
  if (value.includes('-----BEGIN')) return value;
  return readFileSync(resolve(policiesDir, value), 'utf8');
}
