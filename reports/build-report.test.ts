import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeReport } from './merge.ts';

const root = new URL('../', import.meta.url).pathname;
const fixtures = new URL('./fixtures/runs/', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

describe('npm run report -- --open', () => {
  it('serves the built site on 127.0.0.1 without rebuilding it, prints the URLs, and stops on Ctrl-C', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cnc-open-'));
    dirs.push(out);
    await mergeReport({ sources: [join(fixtures, 'lab')], out, form: 'directory', log: () => {} });
    const built = (await stat(join(out, 'allure-report', 'index.html'))).mtimeMs;
    const server = execa(process.execPath, [join(root, 'reports', 'build-report.ts'), '--open', '--out', out], { reject: false });
    const lines: string[] = [];
    const report = await new Promise<string>((found, fail) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        const url = lines.map((l) => /^report: (http:\/\/127\.0\.0\.1:\d+\/allure-report\/)$/.exec(l)?.[1]).find(Boolean);
        if (url) found(url);
      });
      void server.then((r) => fail(new Error(`exited before printing a URL: ${r.all ?? r.stderr}`)));
    });
    expect(lines[0]).toMatch(new RegExp(`^serving ${out} on http://127\\.0\\.0\\.1:\\d+/ \\(Ctrl-C stops it\\)$`));
    const matrix = lines.find((l) => l.startsWith('matrix: '))!.slice('matrix: '.length);
    expect(await (await fetch(matrix)).text()).toContain('CNI conformance matrix');
    expect(await (await fetch(report)).text()).toContain('window.allureReportOptions');
    // The folder form's data, fetched by the page (what file:// refuses).
    expect((await fetch(`${report}widgets/tree.json`)).status).toBe(200);
    expect((await fetch(report.replace(/\/$/, ''), { redirect: 'manual' })).headers.get('location')).toBe('/allure-report/');
    expect((await fetch(`${matrix}..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    server.kill('SIGINT');
    const ended = await server;
    expect(ended.exitCode).toBe(0);
    expect(ended.stdout).toContain('report: server stopped');
    expect((await stat(join(out, 'allure-report', 'index.html'))).mtimeMs).toBe(built);
  }, 60_000);

  it('refuses a folder without a site, saying how to build one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cnc-open-'));
    dirs.push(empty);
    const run = await execa(process.execPath, [join(root, 'reports', 'build-report.ts'), '--open', '--out', empty], { reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`report: --open: no site in ${empty} (no index.html): npm run conformance, npm run matrix or npm run report builds one`);
  });
});
