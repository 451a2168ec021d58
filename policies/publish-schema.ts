// The JSON Schema files editors read (yaml-language-server, VS Code), made from
// the one schema in schema.ts. `doorman schema --write` refreshes them; a test
// fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { SCHEMAS } from './schema.js';

const SCHEMA_DIR = new URL('./schema/', import.meta.url);

export const schemaFiles = (): { path: string; text: string }[] =>
  Object.entries(SCHEMAS).map(([name, schema]) => ({
    path: new URL(`${name}.schema.json`, SCHEMA_DIR).pathname,
    text: `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, 2)}\n`,
  }));

export function writeSchemaFiles(): string[] {
  return schemaFiles().map(({ path, text }) => {
    writeFileSync(path, text);
    return path;
  });
}

export const staleSchemaFiles = (): string[] =>
  schemaFiles()
    .filter(({ path, text }) => {
      try {
        return readFileSync(path, 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(({ path }) => path);
