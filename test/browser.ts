import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

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

// axe-core from node_modules: the pages' CSP allows no other origin, and a test fetches nothing.
let axeSource: string | undefined;
const axe = (): string => (axeSource ??= readFileSync(join(dirname(fileURLToPath(import.meta.resolve('axe-core'))), 'axe.min.js'), 'utf8'));

/**
 * Runs axe-core in the page as it is now and returns its violations of any impact (minor ones
 * too), one line per element: `rule (impact): selector — help`. The script is evaluated over the DevTools
 * protocol, which the page's CSP (no inline scripts) does not govern.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe());
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}
