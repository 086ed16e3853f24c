import { existsSync } from 'node:fs';

/**
 * Debian's Chromium, driven by playwright-core. In CI (CI=true) a missing browser fails the test
 * run loudly; on a developer's machine the browser tests are skipped with the reason printed.
 */
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumOrSkip(): { available: boolean; reason?: string } {
  if (existsSync(CHROMIUM)) return { available: true };
  const reason = `${CHROMIUM} not found (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`browser tests need Chromium in CI: ${reason}`);
  process.stderr.write(`skipping browser tests: ${reason}\n`);
  return { available: false, reason };
}
