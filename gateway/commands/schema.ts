import { schemaFiles, writeSchemaFiles } from '../../policies/publish-schema.js';

export async function schemaCommand(flags: { write?: boolean }): Promise<number> {
  if (flags.write) {
    for (const path of writeSchemaFiles()) process.stdout.write(`wrote ${path}\n`);
  } else {
    for (const { path, text } of schemaFiles()) process.stdout.write(`# ${path}\n${text}`);
  }
  return 0;
}
