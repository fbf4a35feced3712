import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { mergeReport, type MergeResult } from './merge.ts';
import { checkSite, findChromium } from './site-check.ts';
import { serve } from './serve.ts';

const fixtures = new URL('./fixtures/runs/', import.meta.url).pathname;
const sources = [join(fixtures, 'lab'), join(fixtures, 'kind')];
const browser = findChromium();
const NO_BROWSER = 'no Chromium here (apt-get install -y chromium, or set CHROMIUM_PATH); .ci/run installs it, GitHub runners carry Google Chrome';
const skipped = browser ? '' : `: skipped, ${NO_BROWSER}`;
const behaviourLinks = (m: MergeResult) => Object.values(m.matrix.cells).flatMap((row) => Object.values(row)).filter((c) => c.href);

describe.skipIf(!browser)(`a run's site opened from disk as the run printed it (file://, the report one file)${skipped}`, () => {
  let out: string;
  let merged: MergeResult;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'cnc-site-disk-'));
    merged = await mergeReport({ sources, out, log: () => {} });
  }, 300_000);
  afterAll(async () => { if (out) await rm(out, { recursive: true, force: true }); });

  it('prints file:// URLs; the report shows its tests, and a PASS mark of the matrix opens its test with steps and an attachment', async () => {
    const url = (name: string) => merged.open.map((l) => new RegExp(`^${name}: (file://\\S+)`).exec(l)?.[1]).find(Boolean);
    expect(merged.generated?.form).toBe('single-file');
    expect(url('matrix')).toBe(pathToFileURL(join(out, 'index.html')).href);
    expect(url('report')).toBe(pathToFileURL(join(out, 'allure-report', 'index.html')).href);
    const shots = { report: join(out, 'report.png'), test: join(out, 'test.png') };
    const result = await checkSite(out, { chromium: browser!, fromDisk: true, matrixUrl: url('matrix')!, reportUrl: url('report')!, links: 'one-per-status', screenshots: shots });
    expect(result.problems).toEqual([]);
    expect(result.reportTotal).toBe(merged.results);
    expect(result.testLinks).toBe(behaviourLinks(merged).length);
    const statuses = new Set(behaviourLinks(merged).map((c) => c.state));
    expect(statuses).toContain('pass');
    expect(result.testLinksFollowed).toBe(statuses.size);
    expect(result.testLinksResolved).toBe(statuses.size);
    expect(result.stepsShown).toBe(statuses.size);
    expect(result.attachmentsShown).toBe(statuses.size);
    expect(result.topologyLinksResolved).toBe(2);
    expect((await stat(shots.test)).size).toBeGreaterThan(10_000);
  }, 400_000);

  it('opens a test from disk on a machine ten times slower: the app waits for its embedded data (no "Failed to fetch")', async () => {
    const html = await readFile(join(out, 'allure-report', 'index.html'), 'utf8');
    expect(html.match(/<script[^>]*src="data:text\/javascript/g)).toEqual(['<script defer src="data:text/javascript']);
    // Undeferred, this page showed "Failed to fetch" 4 times in 4 at this slowdown (reports/defer-app-script.ts).
    const b = await chromium.launch({ executablePath: browser!, args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
    try {
      const page = await b.newPage();
      await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: 10 });
      const [file, id] = behaviourLinks(merged)[0]!.href!.split('#');
      await page.goto(`${pathToFileURL(join(out, file!)).href}#${id}`);
      const title = page.locator('[data-testid=test-result-info-title]');
      const failed = page.getByText('Failed to fetch');
      await title.or(failed).first().waitFor({ timeout: 240_000 });
      expect(await failed.count()).toBe(0);
      expect(await title.count()).toBe(1);
    } finally {
      await b.close();
    }
  }, 300_000);
});

describe.skipIf(!browser)(`a site whose report is a folder (too large for one file; the nightly on Pages)${skipped}`, () => {
  let out: string;
  let merged: MergeResult;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'cnc-site-'));
    // A limit of 1 byte: the measured single file is over it, so the report falls back to a folder.
    merged = await mergeReport({ sources, out, singleFileLimit: 1, log: () => {} });
  }, 300_000);
  afterAll(async () => { if (out) await rm(out, { recursive: true, force: true }); });

  it('is a folder, and the run prints the command that serves it instead of a file:// URL', () => {
    expect(merged.generated).toMatchObject({ form: 'directory', why: expect.stringMatching(/^as one file it would be \d+\.\d MB, over 0\.0 MB$/) });
    expect(merged.open.join('\n')).not.toMatch(/report: file:/);
    expect(merged.open.at(-1)).toMatch(new RegExp(`Serve it: npm run report -- --open --out ${out}$`));
  });

  it('served: shows every cell, and every link opens its test (steps, an attachment) or a topology picture', async () => {
    const result = await checkSite(out, { chromium: browser!, screenshots: { matrix: join(out, 'matrix.png') } });
    const links = behaviourLinks(merged).length;
    expect(result.problems).toEqual([]);
    expect(result.cells).toBe(result.expectedCells);
    expect(result.cells).toBe(merged.matrix.groups.flatMap((g) => g.rows).length * 2);
    expect(result.reportTotal).toBe(merged.results);
    expect(result.testLinks).toBe(links);
    expect(result.testLinksResolved).toBe(links);
    expect(result.stepsShown).toBe(links);
    expect(result.attachmentsShown).toBe(links);
    expect(result.topologyLinks).toBe(2);
    expect(result.topologyLinksResolved).toBe(2);
    expect((await stat(join(out, 'matrix.png'))).size).toBeGreaterThan(10_000);
  }, 400_000);

  it('from disk: the check sees what a user saw (no test list), and the matrix page says how to serve it', async () => {
    const result = await checkSite(out, { chromium: browser!, fromDisk: true, timeoutMs: 5_000 });
    expect(result.problems).toEqual([
      `${pathToFileURL(join(out, 'allure-report', 'index.html')).href}: no test list after 5 s: the report's data did not load`,
      `${behaviourLinks(merged).length} test links not followed: the report shows no tests`,
    ]);
    const b = await chromium.launch({ executablePath: browser!, args: ['--no-sandbox'] });
    try {
      const page = await b.newPage();
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      expect(await page.locator('.serve-hint').innerText()).toContain(`npm run report -- --open --out ${out}`);
    } finally {
      await b.close();
    }
  }, 300_000);

  it("shows each cell's heal time from run.json (the lab run's negative controls)", async () => {
    const { server, base } = await serve(out);
    const b = await chromium.launch({ executablePath: browser!, args: ['--no-sandbox'] });
    try {
      const page = await b.newPage();
      await page.goto(`${base}index.html`);
      const measured = Object.values(merged.matrix.cells).flatMap((row) => Object.values(row)).filter((c) => c.convergence?.length).length;
      expect(measured).toBeGreaterThan(0);
      const lines = await page.locator('span.convergence').filter({ visible: true }).allTextContents();
      expect(lines).toHaveLength(measured);
      for (const line of lines) expect(line).toMatch(/^healed in \d+(\.\d)? m?s of 60 s( \(slowest of \d+ NC\))?$/);
      expect(await page.locator('th.col span.provisioned').filter({ visible: true }).allTextContents()).toEqual([expect.stringMatching(/^up in \d/)]);
    } finally {
      await b.close();
      server.close();
    }
  }, 300_000);

  it('filters by CNI (columns) and by status (rows with that status, other cells dimmed)', async () => {
    const { server, base } = await serve(out);
    const b = await chromium.launch({ executablePath: browser!, args: ['--no-sandbox'] });
    try {
      const page = await b.newPage();
      await page.goto(`${base}index.html`);
      expect(await page.locator('.serve-hint').isVisible()).toBe(false);
      const visible = (selector: string) => page.locator(selector).filter({ visible: true }).count();
      const rows = merged.matrix.groups.flatMap((g) => g.rows).length;
      // Opened, the page shows the rows its profiles claim; the others on request.
      const claimedRows = Object.values(merged.matrix.cells).filter((row) => Object.values(row).some((c) => c.state !== 'na')).length;
      expect(claimedRows).toBeLessThan(rows);
      expect(await visible('tr.behaviour')).toBe(claimedRows);
      await page.locator('input[name=unclaimed]').check();
      expect(await visible('tr.behaviour')).toBe(rows);
      expect(await visible('td.cell[data-cni=cilium]')).toBe(rows);
      await page.locator('input[name=cni][value=cilium]').uncheck();
      expect(await visible('td.cell[data-cni=cilium]')).toBe(0);
      expect(await visible('td.cell[data-cni=calico]')).toBe(rows);
      await page.locator('input[name=cni][value=cilium]').check();
      await page.locator('select[name=status]').selectOption('skip');
      const skipRows = Object.values(merged.matrix.cells).filter((row) => Object.values(row).some((c) => c.state === 'skip')).length;
      expect(skipRows).toBeGreaterThan(0);
      expect(await visible('tr.behaviour')).toBe(skipRows);
      await page.locator('select[name=status]').selectOption('all');
      await page.locator('input[name=unclaimed]').uncheck();
      expect(await visible('tr.behaviour')).toBe(claimedRows);
    } finally {
      await b.close();
      server.close();
    }
  }, 300_000);

  it('reports a link that leads nowhere (the check can fail)', async () => {
    const page = join(out, 'index.html');
    const html = await readFile(page, 'utf8');
    await writeFile(page, html.replace(/index\.html#[0-9a-f]{32}/, `index.html#${'0'.repeat(32)}`).replace('href="topology/', 'href="topology/missing-'));
    const result = await checkSite(out, { chromium: browser!, links: 'one-per-status' });
    expect(result.problems).toEqual([`allure-report/index.html#${'0'.repeat(32)}: no such test in the report`, expect.stringMatching(/^topology\/missing-.*: not an SVG picture \(404\)$/)]);
    await writeFile(page, html);
  }, 400_000);
});
