// Waiting for something another process does: poll until it holds, or fail naming it.

export interface UntilOptions {
  /** Give up after (default 10 s). */
  timeoutMs?: number;
  /** Between checks (default 20 ms). */
  everyMs?: number;
}

/** Resolves once check() holds; throws "<what>: not within N ms" when it never does in time. */
export async function until(check: () => Promise<boolean> | boolean, what: string | (() => string), { timeoutMs = 10_000, everyMs = 20 }: UntilOptions = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
