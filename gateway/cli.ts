// `doorman`: serve, validate, migrate, explain, plan, schema, demo. Each command takes
// --policies DIR and --db URL; flags win over gateway.yaml.
import { Command, CommanderError, Option } from 'commander';
import { InvalidPolicies } from './commands/load.js';

// Commands are imported when run, so `validate` does not load the database drivers.

/** Exit codes: 0 fine, 1 failed, 2 the policies (or the command line) are invalid. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const run = (fn: () => Promise<number>) => async () => {
    exitCode = await fn();
  };
  const policiesOption = () => new Option('--policies <dir>', 'folder holding gateway.yaml and the account files (default: $DOORMAN_POLICIES or .)');
  const dbOption = () => new Option('--db <url>', 'sqlite:PATH or postgres://... (default: gateway.yaml, else sqlite under ./data)');

  const program = new Command('doorman')
    .description('Doorman: SSO gateway with provisioning and license control')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('serve')
    .description('run the gateway')
    .addOption(policiesOption())
    .addOption(dbOption())
    .option('--port <n>', 'TCP port (default: gateway.yaml listen.port, else 8080)', parsePort)
    .action((flags) => run(async () => (await import('./commands/serve.js')).serveCommand(flags))());

  program
    .command('validate')
    .description('check the policies; exit 0 when sound, 2 otherwise')
    .argument('[dir]', 'the policies folder (same as --policies)')
    .addOption(policiesOption())
    .addOption(dbOption())
    .action((dir: string | undefined, flags) => run(async () => (await import('./commands/validate.js')).validateCommand({ ...flags, policies: dir ?? flags.policies }))());

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .addOption(policiesOption())
    .addOption(dbOption())
    .action((flags) => run(async () => (await import('./commands/migrate.js')).migrateCommand(flags))());

  program
    .command('explain')
    .description('which account, team, route and license the policies would give EMAIL now, and why (changes nothing)')
    .argument('<email>')
    .addOption(policiesOption())
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action((email: string, flags) => run(async () => (await import('./commands/explain.js')).explainCommand(email, flags))());

  program
    .command('plan')
    .description('what applying the policies in DIR would change against the live database; exit 0 nothing, 1 changes, 2 DIR invalid')
    .argument('<dir>', 'the policies folder to compare')
    .addOption(new Option('--policies <dir>', 'the folder in force, compared against when the database holds no snapshot yet'))
    .addOption(dbOption())
    .action((dir: string, flags) => run(async () => (await import('./commands/plan.js')).planCommand(dir, flags))());

  program
    .command('domains')
    .description('domain verification')
    .command('verify')
    .description('look up each dns-verified domain\'s TXT record doorman-verification=<token> and record the result')
    .addOption(policiesOption())
    .addOption(dbOption())
    .option('--resolver <host:port...>', 'DNS servers to ask (default: gateway.yaml dns_servers, else the system resolver)')
    .option('--json', 'print JSON')
    .action((flags) => run(async () => (await import('./commands/domains.js')).domainsVerifyCommand(flags))());

  program
    .command('licenses')
    .description('license usage')
    .command('report')
    .description('seats bought, used and free by license and team, users and last activity, idle Full users, outsiders')
    .addOption(policiesOption())
    .addOption(dbOption())
    .option('--account <id>', 'one account (default: every account)')
    .option('--json', 'print JSON')
    .option('--csv', 'print the users as CSV')
    .action((flags) => run(async () => (await import('./commands/licenses.js')).licensesReportCommand(flags))());

  program
    .command('schema')
    .description('print the JSON Schema of the policy files, or --write them to policies/schema/')
    .option('--write', 'write the files')
    .addOption(policiesOption())
    .addOption(dbOption())
    .action((flags) => run(async () => (await import('./commands/schema.js')).schemaCommand(flags))());

  program
    .command('demo')
    .description('run the gateway on http://localhost:8080 with the demo app, demo IdPs and policies, on embedded SQLite')
    .action(() => run(async () => (await import('./commands/demo.js')).demoCommand())());

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof InvalidPolicies) {
      process.stderr.write(`doorman: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`doorman: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return exitCode;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`--port ${value}: not a TCP port`);
  return port;
}
