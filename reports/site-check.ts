import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseArgs } from '../cli/args.ts';
import type { Matrix } from './matrix.ts';
import { firstShownAttachment, ReportFiles, stepCount } from './report-files.ts';
import { serve } from './serve.ts';


/** Chromium here: CHROMIUM_PATH, Debian's chromium, or the Google Chrome GitHub's runners carry. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/**
 * Chromium resolves no name but 127.0.0.1: the report's page asks for Google's analytics script (the awesome template,
 * @allurereport/plugin-awesome@3.18.0 dist/generators.js, analyticsEnable: true), which must not leave the machine.
 * Playwright's request interception is not used: with it, the single-file report never finished loading here.
 */
const OFFLINE = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
/**
 * How long a page may take to show what is checked: the single file of the lab project takes 2.5-6 s on 2 busy cores,
 * but 30 s ran out once at load average 23 (a kind cluster, Go builds and the lab beside it): a deadline, not a wait,
 * so a healthy page costs no more for it being long.
 */
const SHOWN_WITHIN_MS = 120_000;

export interface SiteCheck {
  /** Matrix cells the page shows, and how many the matrix has (rows x columns). */
  cells: number;
  expectedCells: number;
  /** The total of tests the report's page shows (undefined: it showed no test list). */
  reportTotal?: number;
  /** Links to Allure tests (followed: all, or one per status), those that opened the named test, and of those, how many showed steps and an attachment. */
  testLinks: number;
  testLinksFollowed: number;
  testLinksResolved: number;
  stepsShown: number;
  attachmentsShown: number;
  topologyLinks: number;
  topologyLinksResolved: number;
  /** Requests to other hosts (refused: nothing leaves the machine). */
  external: string[];
  problems: string[];
}

export interface SiteCheckOptions {
  chromium: string;
  /** Screenshots: the matrix page, the report's test list, and the first test opened from the matrix. */
  screenshots?: { matrix?: string; report?: string; test?: string };
  /** Open the files from disk (file://), as a double-click does; otherwise the site is served on 127.0.0.1. */
  fromDisk?: boolean;
  /** The URLs to open, as a run printed them (default: the site's index.html and allure-report/index.html). */
  matrixUrl?: string;
  reportUrl?: string;
  /** all (the default), or the first link of each status (PASS, FAIL, SKIP): each click loads the report again. */
  links?: 'all' | 'one-per-status';
  /** How long a page may take to show what is checked (default 30 s). */
  timeoutMs?: number;
}

const shown = (p: Promise<unknown>) => p.then(() => true, () => false);

/** A linked file's text, read as the browser would get it: over HTTP, or from disk for a file:// link. */
async function readLinked(href: string): Promise<{ ok: boolean; status: string; body: string }> {
  if (href.startsWith('file:')) {
    return readFile(fileURLToPath(href), 'utf8').then((body) => ({ ok: true, status: 'read', body }), (e: NodeJS.ErrnoException) => ({ ok: false, status: e.code ?? e.message, body: '' }));
  }
  const res = await fetch(href);
  return { ok: res.ok, status: String(res.status), body: res.ok ? await res.text() : '' };
}

/** The report's own page: its test list must appear (a report whose data cannot load keeps its spinner). */
async function checkReportPage(page: Page, url: string, problems: string[], timeout: number, screenshot?: string): Promise<number | undefined> {
  await page.goto(url);
  const listed = await shown(page.locator('[data-testid=tree-leaf], [data-testid=tree-section]').first().waitFor({ timeout }));
  if (screenshot) await page.screenshot({ path: screenshot });
  if (!listed) {
    problems.push(`${url}: no test list after ${timeout / 1000} s: the report's data did not load`);
    return undefined;
  }
  const total = await page.locator('[data-testid=metadata-item-total]').innerText().catch(() => '');
  return Number(/(\d+)/.exec(total)?.[1] ?? Number.NaN);
}

/** Follows the matrix's i-th test link as a user does (a click), and checks the test, its steps and one attachment. */
async function checkTestLink(page: Page, matrixUrl: string, i: number, files: ReportFiles, problems: string[], timeout: number, screenshot?: string): Promise<{ resolved: boolean; steps: boolean; attachment: boolean }> {
  const none = { resolved: false, steps: false, attachment: false };
  await page.goto(matrixUrl);
  const link = page.locator('a.mark').nth(i);
  const href = (await link.getAttribute('href')) ?? '';
  const id = /#([0-9a-f]{32})$/.exec(href)?.[1];
  const test = id ? await files.testResult(id) : undefined;
  if (!test) { problems.push(`${href}: no such test in the report`); return none; }
  await link.click();
  // The test's own title (its name also shows in the breadcrumbs and, for a test in view, the tree).
  const title = page.locator('[data-testid=test-result-info-title]').filter({ hasText: test.name });
  if (!(await shown(title.first().waitFor({ timeout })))) {
    const seen = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
    problems.push(`${href}: the report did not show "${test.name}" (the page is at ${page.url()}, showing: ${seen})`);
    return none;
  }
  const steps = stepCount(test.steps) === 0 || (await shown(page.locator('[data-testid=test-result-step]').first().waitFor({ timeout })));
  if (!steps) problems.push(`${href}: "${test.name}" has ${stepCount(test.steps)} steps, the page shows none`);
  const link0 = firstShownAttachment(test.steps);
  let attachment = !link0;
  if (link0) {
    const row = page.locator('[data-testid=test-result-attachment]').filter({ hasText: link0.name }).first();
    await row.locator('[data-testid=test-result-attachment-header]').click().catch(() => {});
    if (link0.contentType?.startsWith('image/')) {
      // The awesome report shows an image attachment as an <img> (a blob: URL of the data): loaded means it has a width.
      const img = row.locator('img').first();
      attachment = await shown(img.waitFor({ timeout }).then(async () =>
        page.waitForFunction((el) => { const img = el as unknown as { complete?: boolean; naturalWidth?: number } | null; return !!img?.complete && (img.naturalWidth ?? 0) > 0; }, await img.elementHandle(), { timeout })));
    } else {
      const content = (await files.read(`data/attachments/${link0.id}${link0.ext ?? ''}`))?.toString('utf8') ?? '';
      const line = content.split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 80);
      attachment = !!line && (await shown(row.getByText(line).first().waitFor({ timeout })));
    }
    if (!attachment) problems.push(`${href}: "${test.name}": attachment "${link0.name}" (${link0.contentType}) did not show its content`);
  }
  if (screenshot) await page.screenshot({ path: screenshot });
  return { resolved: true, steps, attachment };
}

/**
 * Opens a built site in headless Chromium, served on 127.0.0.1 (as on Pages) or from disk (file://, as a user opens
 * what a run printed): the matrix page (cells counted), the report's page (its test list must show), every link to a
 * test (clicked: the test's name, its steps and an attachment's content must show) and to a topology picture.
 */
export async function checkSite(site: string, options: SiteCheckOptions): Promise<SiteCheck> {
  const matrix = JSON.parse(await readFile(join(site, 'matrix.json'), 'utf8')) as Matrix;
  const files = new ReportFiles(join(site, 'allure-report'));
  const served = options.fromDisk ? undefined : await serve(site);
  const base = served?.base ?? pathToFileURL(`${resolve(site)}/`).href;
  const matrixUrl = options.matrixUrl ?? `${base}index.html`;
  const reportUrl = options.reportUrl ?? `${base}allure-report/index.html`;
  let browser: Browser | undefined;
  const problems: string[] = [];
  const external: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: options.chromium, args: ['--no-sandbox', OFFLINE] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (/^(https?|wss?):/.test(r.url()) && !r.url().startsWith('http://127.0.0.1:')) external.push(r.url()); });
    await page.goto(matrixUrl);
    if (options.screenshots?.matrix) await page.screenshot({ path: options.screenshots.matrix, fullPage: true });
    const cells = await page.locator('td.cell').count();
    const expectedCells = matrix.groups.reduce((n, g) => n + g.rows.length, 0) * matrix.columns.length;
    const marks = await page.locator('a.mark').evaluateAll((as) => as.map((a) => a.textContent ?? ''));
    const testLinks = marks.length;
    const topoHrefs = await page.locator('a.topology').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    const timeout = options.timeoutMs ?? SHOWN_WITHIN_MS;
    const reportTotal = await checkReportPage(page, reportUrl, problems, timeout, options.screenshots?.report);
    let testLinksResolved = 0;
    let stepsShown = 0;
    let attachmentsShown = 0;
    const followed = marks.flatMap((mark, i) => (options.links !== 'one-per-status' || marks.indexOf(mark) === i ? [i] : []));
    // A report that shows no test list shows no test either: one problem says so rather than one per link.
    if (reportTotal === undefined && followed.length) problems.push(`${followed.length} test links not followed: the report shows no tests`);
    for (const i of reportTotal === undefined ? [] : followed) {
      // The screenshot shows the first test that passed (what a PASS mark opens).
      const shot = marks[i] === 'PASS' && marks.indexOf('PASS') === i ? options.screenshots?.test : undefined;
      const r = await checkTestLink(page, matrixUrl, i, files, problems, timeout, shot);
      testLinksResolved += Number(r.resolved);
      stepsShown += Number(r.resolved && r.steps);
      attachmentsShown += Number(r.resolved && r.attachment);
    }
    let topologyLinksResolved = 0;
    for (const href of topoHrefs) {
      const picture = await readLinked(href);
      if (picture.ok && picture.body.includes('<svg')) topologyLinksResolved++;
      else problems.push(`${href.slice(base.length)}: not an SVG picture (${picture.status})`);
    }
    return {
      cells, expectedCells, ...(reportTotal !== undefined ? { reportTotal } : {}), testLinks, testLinksFollowed: reportTotal === undefined ? 0 : followed.length, testLinksResolved, stepsShown, attachmentsShown,
      topologyLinks: topoHrefs.length, topologyLinksResolved, external: [...new Set(external)], problems,
    };
  } finally {
    await browser?.close();
    served?.server.close();
  }
}

const USAGE = `usage: npm run check-site -- [SITE] [SCREENSHOT] [--from-disk] [--one-per-status]
Opens SITE (default reports/out) in headless Chromium: served on 127.0.0.1, or with --from-disk as file:// pages, as a
user opens what a run printed. --one-per-status follows the first test link of each status instead of every one.
Screenshots: SCREENSHOT (default SITE/matrix.png), and -report.png, -test.png beside it.`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2), { values: [], flags: ['from-disk', 'one-per-status', 'help'] });
  if (args.flags.has('help')) { console.log(USAGE); process.exit(0); }
  const [site = 'reports/out', screenshot = join(site, 'matrix.png')] = args.positional;
  const browser = findChromium();
  if (!browser) { console.error('check-site: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)'); process.exit(2); }
  const started = performance.now();
  const shots = { matrix: screenshot, report: screenshot.replace(/(\.png)?$/, '-report.png'), test: screenshot.replace(/(\.png)?$/, '-test.png') };
  const result = await checkSite(site, { chromium: browser, screenshots: shots, fromDisk: args.flags.has('from-disk'), links: args.flags.has('one-per-status') ? 'one-per-status' : 'all' });
  console.log(JSON.stringify({ ...result, screenshots: shots, seconds: Math.round((performance.now() - started) / 1000) }, null, 2));
  process.exit(result.problems.length || result.cells !== result.expectedCells ? 1 : 0);
}
