import { existsSync } from 'node:fs';
import { Sel104Error } from '../../schemas/errors.ts';
import { escapeHtml } from './html.ts';

/**
 * Prints the council report's HTML to an A4 PDF with Debian's Chromium through playwright-core:
 * the same HTML, CSS page size and margins, a footer with "Side X af Y", and every request the
 * page might make refused (the HTML is self-contained).
 */
export const CHROMIUM = process.env.SEL104_CHROMIUM ?? '/usr/bin/chromium';

export function checkChromium(executablePath: string = CHROMIUM): void {
  if (!existsSync(executablePath)) {
    throw new Sel104Error('SEL104_ERR_INTERNAL', `a PDF needs Chromium, not found at ${executablePath}: apt-get install -y chromium (or use --format html)`);
  }
}

export async function printPdf(html: string, { footer, executablePath = CHROMIUM }: { footer: string; executablePath?: string }): Promise<Buffer> {
  checkChromium(executablePath);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Sel104Error('SEL104_ERR_INTERNAL', 'a PDF needs the playwright-core package: npm install playwright-core');
  }
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      // An empty header: Chromium's default prints the date and title there.
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="width:100%;margin:0 16mm;font-family:'DejaVu Sans',Arial,sans-serif;font-size:7.5pt;color:#4a5963;display:flex;justify-content:space-between;">
<span>${escapeHtml(footer)}</span><span>Side <span class="pageNumber"></span> af <span class="totalPages"></span></span></div>`,
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
