import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { Matrix } from './matrix.ts';

/** Chromium here: CHROMIUM_PATH, Debian's chromium, or the Google Chrome GitHub's runners carry. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.css': 'text/css', '.txt': 'text/plain' };

/** A static file server on 127.0.0.1 for the site (Allure's report loads its data with fetch, which file:// refuses). */
export async function serve(dir: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then((body) => {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    }, () => { res.writeHead(404); res.end(); });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export interface SiteCheck {
  /** Matrix cells the page shows, and how many the matrix has (rows x columns). */
  cells: number;
  expectedCells: number;
  /** Links to Allure tests that opened the named test, of all such links. */
  testLinks: number;
  testLinksResolved: number;
  topologyLinks: number;
  topologyLinksResolved: number;
  problems: string[];
  screenshot: string;
}

/**
 * Opens a merged site's matrix page in headless Chromium: takes a screenshot, counts the cells, follows every link
 * to a test (the Allure report must open that very test: its name shown) and to a topology picture (an SVG).
 */
export async function checkSite(site: string, options: { chromium: string; screenshot: string }): Promise<SiteCheck> {
  const matrix = JSON.parse(await readFile(join(site, 'matrix.json'), 'utf8')) as Matrix;
  const { server, base } = await serve(site);
  let browser: Browser | undefined;
  const problems: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: options.chromium, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${base}index.html`);
    await page.screenshot({ path: options.screenshot, fullPage: true });
    const cells = await page.locator('td.cell').count();
    const expectedCells = matrix.groups.reduce((n, g) => n + g.rows.length, 0) * matrix.columns.length;
    const testHrefs = await page.locator('a.mark').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const topoHrefs = await page.locator('a.topology').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    let testLinksResolved = 0;
    for (const href of testHrefs) {
      const id = /#([0-9a-f]{32})$/.exec(href)?.[1];
      const data = id ? await fetch(`${base}allure-report/data/test-results/${id}.json`) : undefined;
      if (!data?.ok) { problems.push(`${href}: no such test in the report`); continue; }
      const { name } = (await data.json()) as { name: string };
      await page.goto(`${base}${href}`);
      const shown = await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
      if (shown) testLinksResolved++;
      else problems.push(`${href}: the report did not show "${name}"`);
    }
    let topologyLinksResolved = 0;
    for (const href of topoHrefs) {
      const res = await fetch(`${base}${href}`);
      const body = res.ok ? await res.text() : '';
      if (res.ok && body.includes('<svg')) topologyLinksResolved++;
      else problems.push(`${href}: ${res.status} ${body.slice(0, 40)}`);
    }
    return { cells, expectedCells, testLinks: testHrefs.length, testLinksResolved, topologyLinks: topoHrefs.length, topologyLinksResolved, problems, screenshot: options.screenshot };
  } finally {
    await browser?.close();
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [site = 'reports/out', screenshot = join(site, 'matrix.png')] = process.argv.slice(2);
  const browser = findChromium();
  if (!browser) { console.error('check-site: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)'); process.exit(2); }
  const started = performance.now();
  const result = await checkSite(site, { chromium: browser, screenshot });
  console.log(JSON.stringify({ ...result, seconds: Math.round((performance.now() - started) / 1000) }, null, 2));
  process.exit(result.problems.length || result.cells !== result.expectedCells ? 1 : 0);
}
