import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeReport, type MergeResult } from './merge.ts';
import { chromium } from 'playwright-core';
import { checkSite, findChromium, serve } from './site-check.ts';

const fixtures = new URL('./fixtures/runs/', import.meta.url).pathname;
const browser = findChromium();
const NO_BROWSER = 'no Chromium here (apt-get install -y chromium, or set CHROMIUM_PATH); .ci/run installs it, GitHub runners carry Google Chrome';

describe.skipIf(!browser)(`the matrix page in headless Chromium${browser ? '' : `: skipped, ${NO_BROWSER}`}`, () => {
  let out: string;
  let merged: MergeResult;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'cnc-site-'));
    merged = await mergeReport({ sources: [join(fixtures, 'lab'), join(fixtures, 'kind')], out, log: () => {} });
  }, 60_000);
  afterAll(async () => { if (out) await rm(out, { recursive: true, force: true }); });

  it('shows every cell, and every link opens its test in the Allure report or a topology picture', async () => {
    const result = await checkSite(out, { chromium: browser!, screenshot: join(out, 'matrix.png') });
    const behaviourResults = Object.values(merged.matrix.cells).flatMap((row) => Object.values(row)).filter((c) => c.href).length;
    expect(result.problems).toEqual([]);
    expect(result.cells).toBe(result.expectedCells);
    expect(result.cells).toBe(merged.matrix.groups.flatMap((g) => g.rows).length * 2);
    expect(result.testLinks).toBe(behaviourResults);
    expect(result.testLinksResolved).toBe(behaviourResults);
    expect(result.topologyLinks).toBe(2);
    expect(result.topologyLinksResolved).toBe(2);
    expect((await stat(result.screenshot)).size).toBeGreaterThan(10_000);
  }, 120_000);

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
  }, 60_000);

  it('filters by CNI (columns) and by status (rows with that status, other cells dimmed)', async () => {
    const { server, base } = await serve(out);
    const b = await chromium.launch({ executablePath: browser!, args: ['--no-sandbox'] });
    try {
      const page = await b.newPage();
      await page.goto(`${base}index.html`);
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
  }, 60_000);

  it('reports a link that leads nowhere (the check can fail)', async () => {
    const page = join(out, 'index.html');
    const html = await readFile(page, 'utf8');
    await writeFile(page, html.replace(/index\.html#[0-9a-f]{32}/, `index.html#${'0'.repeat(32)}`).replace('href="topology/', 'href="topology/missing-'));
    const result = await checkSite(out, { chromium: browser!, screenshot: join(out, 'broken.png') });
    expect(result.problems).toEqual([`allure-report/index.html#${'0'.repeat(32)}: no such test in the report`, expect.stringMatching(/^topology\/missing-.*: 404/)]);
    await writeFile(page, html);
  }, 120_000);
});
