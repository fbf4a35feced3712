import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_RUN_FIELD } from './history-run.ts';
import { mergeReport, resolveSource } from './merge.ts';
import type { RunMeta } from './run-meta.ts';

const fixtures = new URL('./fixtures/runs/', import.meta.url).pathname;
const dirs: string[] = [];
const tmp = async () => { const d = await mkdtemp(join(tmpdir(), 'cnc-merge-')); dirs.push(d); return d; };
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

describe('mergeReport', () => {
  it("merges two runs' result folders (lab and kind) into one report and one matrix with both runs' profiles", async () => {
    const out = await tmp();
    const merged = await mergeReport({ sources: [join(fixtures, 'lab'), join(fixtures, 'kind')], out, history: join(out, 'h', 'history.jsonl'), log: () => {} });
    expect(merged.matrix.columns.map((c) => c.profile)).toEqual(['kind/cilium-vxlan', 'lab/calico-vxlan']);
    expect(merged.matrix.runs).toHaveLength(2);
    expect(merged.matrix.cells['C-TUN-1']!['kind/cilium-vxlan']).toMatchObject({ state: 'skip', reason: expect.stringMatching(/^kind cannot run here: /) });
    expect(merged.matrix.cells['K-VX-1']!['lab/calico-vxlan']).toMatchObject({ state: 'pass', controls: { passed: expect.any(Number), total: expect.any(Number) } });
    expect(merged.matrix.columns.every((c) => c.topology === `topology/${c.profile.replace('/', '-')}.svg`)).toBe(true);
    expect(await readFile(join(out, 'topology', 'lab-calico-vxlan.svg'), 'utf8')).toContain('<svg');
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe(await readFile(join(out, 'matrix.html'), 'utf8'));
    expect(merged.markdown).toContain('kind/cilium-vxlan');
    expect(merged.markdown).toContain('lab/calico-vxlan');
  }, 60_000);

  it("keeps Allure's history between merges: each build appends one entry the next one reads", async () => {
    const out = await tmp();
    const history = join(out, 'history.jsonl');
    await mergeReport({ sources: [join(fixtures, 'lab')], out, history, log: () => {} });
    const first = (await readFile(history, 'utf8')).trim().split('\n');
    await mergeReport({ sources: [join(fixtures, 'lab')], out, history, log: () => {} });
    const second = (await readFile(history, 'utf8')).trim().split('\n');
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
    expect(second[0]).toBe(first[0]);
  }, 60_000);

  it("keeps each run's control timings: a later night's merge shows the earlier heal times as the trend, and flags what grew", async () => {
    const out = await tmp();
    const history = join(out, 'history.jsonl');
    const first = await mergeReport({ sources: [join(fixtures, 'lab')], out, history, log: () => {} });
    const control = first.matrix.cells['K-GW-1']!['lab/calico-vxlan']!.convergence!.find((c) => c.control === "proxy_arp off on the first pod's host veth")!;
    expect(control).toMatchObject({ earlier: [], healedAfterMs: expect.any(Number) });
    // Three later nights, the last one 10 s slower to heal: each a run folder of its own, the first merged through the history.
    const nights = await Promise.all([2, 3, 4].map(async (day) => {
      const dir = join(await tmp(), `night-${day}`);
      await cp(join(fixtures, 'lab'), dir, { recursive: true });
      const meta = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunMeta;
      meta.startedAt = `2026-12-${String(day + 6).padStart(2, '0')}T02:17:00.000Z`;
      if (day === 4) meta.convergence = meta.convergence!.map((c) => (c.control === control.control ? { ...c, healedAfterMs: c.healedAfterMs! + 10_000 } : c));
      await writeFile(join(dir, 'run.json'), JSON.stringify(meta));
      return dir;
    }));
    const merged = await mergeReport({ sources: nights, out, history, log: () => {} });
    const later = merged.matrix.cells['K-GW-1']!['lab/calico-vxlan']!.convergence!.find((c) => c.control === control.control)!;
    expect(later.earlier).toEqual([control.healedAfterMs, control.healedAfterMs, control.healedAfterMs]);
    expect(later.healedAfterMs).toBe(control.healedAfterMs! + 10_000);
    expect(later.slower).toMatch(/^healed in \d+\.\d s, median .* over the 3 runs before$/);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('⚠ slower: healed in');
    expect((await readFile(join(out, 'convergence-history.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
  }, 60_000);

  it('gives a profile whose run ended before any result (kind did not come up) its column, saying so', async () => {
    const failed = await tmp();
    await mkdir(join(failed, 'kind'));
    await writeFile(join(failed, 'kind', 'requested.json'), JSON.stringify({ provider: 'kind', profiles: ['kind/cilium-kpr'], exitCode: 1 }));
    const merged = await mergeReport({ sources: [join(fixtures, 'lab'), join(failed, 'kind')], out: await tmp(), log: () => {} });
    const column = merged.matrix.columns.find((c) => c.profile === 'kind/cilium-kpr');
    expect(column).toMatchObject({ provider: 'kind', cni: 'cilium', noResults: expect.stringContaining('ended (exit 1) before any result of kind/cilium-kpr') });
    expect(merged.matrix.cells['C-KPR-1']!['kind/cilium-kpr']!.state).toBe('noresult');
    expect(merged.markdown).toContain('- **kind/cilium-kpr**: no results: ');
  }, 60_000);

  it('keys its history line by historyRun: a second build of the same run replaces the line, another run adds one', async () => {
    const out = await tmp();
    const history = join(out, 'history.jsonl');
    const build = (historyRun: string) => mergeReport({ sources: [join(fixtures, 'lab')], out, history, historyRun, log: () => {} });
    const runs = async () => (await readFile(history, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as Record<string, unknown>)[HISTORY_RUN_FIELD]);
    await build('4001');
    await build('4001');
    expect(await runs()).toEqual(['4001']);
    await build('4002');
    expect(await runs()).toEqual(['4001', '4002']);
    // Lines of builds without a key (local runs, older nightlies) stay.
    await mergeReport({ sources: [join(fixtures, 'lab')], out, history, log: () => {} });
    await build('4002');
    expect(await runs()).toEqual(['4001', undefined, '4002']);
  }, 120_000);

  it('gives every expected profile a column: "no result" where nothing came back, nothing else changed', async () => {
    const merged = await mergeReport({ sources: [join(fixtures, 'lab')], out: await tmp(), expected: ['lab/calico-vxlan', 'kind/flannel-vxlan'], log: () => {} });
    expect(merged.matrix.columns.map((c) => c.profile)).toEqual(['lab/calico-vxlan', 'kind/flannel-vxlan']);
    expect(merged.matrix.columns[1]).toMatchObject({ provider: 'kind', cni: 'flannel', noResults: expect.stringMatching(/^no result came back for kind\/flannel-vxlan/) });
    expect(merged.matrix.cells['X-POD-1']!['kind/flannel-vxlan']).toMatchObject({ state: 'noresult' });
    expect(merged.matrix.cells['K-VX-1']!['lab/calico-vxlan']!.state).toBe('pass');
  }, 60_000);

  it('a run that did not finish (requested.json written before vitest, never rewritten): its profile says so', async () => {
    const killed = await tmp();
    await writeFile(join(killed, 'requested.json'), JSON.stringify({ provider: 'kind', profiles: ['kind/calico-ipip'], status: 'did not finish' }));
    const merged = await mergeReport({ sources: [killed], out: await tmp(), log: () => {} });
    expect(merged.matrix.columns).toEqual([expect.objectContaining({ profile: 'kind/calico-ipip', noResults: expect.stringContaining('did not finish (killed or timed out) before any result of kind/calico-ipip') })]);
  });

  it('refuses a folder without results, naming it, before building anything', async () => {
    const empty = await tmp();
    await expect(resolveSource(empty)).rejects.toThrow(`result folder ${empty}: no Allure results (*-result.json)`);
    await expect(mergeReport({ sources: [join(fixtures, 'lab'), join(empty, 'missing')], out: await tmp(), log: () => {} })).rejects.toThrow('does not exist');
    await expect(mergeReport({ sources: [], out: empty, log: () => {} })).rejects.toThrow('nothing to merge');
  });

  it('takes an allure-results folder itself, with the run.json beside it', async () => {
    const source = await resolveSource(join(fixtures, 'kind', 'allure-results'));
    expect(source.results).toBe(join(fixtures, 'kind', 'allure-results'));
    expect(source.meta?.kernel).toBeTruthy();
  });
});

describe("mergeReport's report form", () => {
  it('writes one file that opens from disk when it fits: no data folder, every test embedded, the attempt and its history copy gone', async () => {
    const out = await tmp();
    const history = join(out, 'history.jsonl');
    const merged = await mergeReport({ sources: [join(fixtures, 'lab')], out, history, log: () => {} });
    expect(merged.generated).toEqual({ form: 'single-file', singleFileBytes: (await stat(join(out, 'allure-report', 'index.html'))).size });
    expect(await readdir(join(out, 'allure-report'))).not.toContain('data');
    const page = await readFile(join(out, 'allure-report', 'index.html'), 'utf8');
    const ids = Object.values(merged.matrix.cells).flatMap((row) => Object.values(row)).flatMap((c) => (c.href ? [c.href.split('#')[1]!] : []));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(page).toContain(`d("data/test-results/${id}.json","`);
    expect((await readdir(out)).filter((f) => f.includes('single-file') || f.includes('allurerc'))).toEqual([]);
    expect((await readFile(history, 'utf8')).trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('falls back to a folder when the single file is over the limit, and the rejected attempt adds no history entry', async () => {
    const out = await tmp();
    const history = join(out, 'history.jsonl');
    await mergeReport({ sources: [join(fixtures, 'lab')], out, history, log: () => {} });
    const merged = await mergeReport({ sources: [join(fixtures, 'lab')], out, history, singleFileLimit: 1_000_000, log: () => {} });
    expect(merged.generated).toMatchObject({ form: 'directory', singleFileBytes: expect.any(Number), why: expect.stringMatching(/^as one file it would be [1-9]\d*\.\d MB, over 1\.0 MB$/) });
    expect(await readdir(join(out, 'allure-report'))).toContain('data');
    expect((await readdir(out)).filter((f) => f.includes('single-file'))).toEqual([]);
    expect((await readFile(history, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('class="serve-hint" hidden');
  }, 60_000);

  it('writes a folder when asked, whatever the size', async () => {
    const merged = await mergeReport({ sources: [join(fixtures, 'lab')], out: await tmp(), form: 'directory', log: () => {} });
    expect(merged.generated).toEqual({ form: 'directory', why: 'asked for a folder' });
  }, 60_000);
});
