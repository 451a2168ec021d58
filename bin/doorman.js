#!/usr/bin/env node
// The `doorman` command. Doorman is written in TypeScript and runs through tsx,
// so the CLI works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../gateway/cli.ts');
process.exitCode = await main(process.argv.slice(2));
