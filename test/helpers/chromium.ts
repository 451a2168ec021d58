// Debian's Chromium, driven by playwright-core, with a fresh profile per run and the
// flags this offline machine needs. Missing Chromium skips the suite with a message,
// unless DOORMAN_TEST_REQUIRE_CHROMIUM=1 (as .ci/run sets) makes it a failure.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** True when Chromium is there; otherwise skips the calling suite (or throws where it is required). */
export function chromiumOrSkip(suite: Mocha.Context): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.DOORMAN_TEST_REQUIRE_CHROMIUM === '1') throw new Error(`${CHROMIUM} is missing and DOORMAN_TEST_REQUIRE_CHROMIUM=1`);
  console.log(`    skipped: ${CHROMIUM} is missing (apt-get install -y chromium); .ci/run installs it and makes this test mandatory`);
  suite.skip();
  return false;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'doorman-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, ...options });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
