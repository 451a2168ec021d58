// Build a policies folder for a test from the fixtures.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';

export const FIXTURES = new URL('../../fixtures/policies/', import.meta.url).pathname;

/** A fresh copy of a fixture folder, with extra files written over it. */
export function policyDir(fixture: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `doorman-${basename(fixture)}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A policies folder written from objects: gateway.yaml and one file per account. */
export function writePolicies(gateway: Record<string, unknown>, accounts: Record<string, unknown>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-policies-'));
  writeFileSync(join(dir, 'gateway.yaml'), stringify(gateway));
  for (const account of accounts) writeFileSync(join(dir, `${String(account.id)}.yaml`), stringify(account));
  return dir;
}

/** A small standard-program account with one verified domain. */
export const testAccount = (id: string, domain: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  name: `${id[0].toUpperCase()}${id.slice(1)} Inc`,
  licensing: { program: 'standard', seats: { full: 2 } },
  teams: [{ id: 'everyone', name: 'Everyone', default: true }],
  domains: [{ name: domain, control: 'auto_join', verification: { method: 'manual', verified: true } }],
  ...more,
});
