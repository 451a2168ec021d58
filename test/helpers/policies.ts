// Build a policies folder for a test from the fixtures.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export const FIXTURES = new URL('../../fixtures/policies/', import.meta.url).pathname;

/** A fresh copy of a fixture folder, with extra files written over it. */
export function policyDir(fixture: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `doorman-${basename(fixture)}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
