// What the whole test run knows to be secret, and every log line its gateway processes
// printed: test/logs/no-secrets.test.ts checks, after every other test, that no line
// holds any of them.
export const knownSecrets = new Set<string>();

/** The log lines of every `serve()` child of this run. */
export const servedLogs: string[][] = [];

/** Values shorter than this are too common to mean anything in a log line. */
const MIN_SECRET_LENGTH = 16;

export function rememberSecret(value: string | null | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

/** Environment variables handed to a gateway that carry secrets by their name. */
export function rememberSecretEnv(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) if (/TOKEN|SECRET|PASSWORD|KEY|COOKIE/i.test(name)) rememberSecret(value);
}
