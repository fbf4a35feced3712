import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Profile } from '../clusters/types.ts';
import type { ConvergenceRecord } from '../suites/convergence.ts';
import { appendConvergenceHistory, convergenceByCell, convergenceLine, readConvergenceHistory, slowerThanUsual, TREND, trendLine, type RunConvergence } from './convergence.ts';
import { matrixHtml } from './matrix-html.ts';
import { matrixMarkdown } from './matrix-md.ts';
import { buildMatrix, type AllureResult, type RowGroup } from './matrix.ts';
import type { RunMeta } from './run-meta.ts';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

const record = (control: string, healedAfterMs: number | undefined, extra: Partial<ConvergenceRecord> = {}): ConvergenceRecord => ({
  behaviour: 'K-GW-1', profile: 'lab/calico-lab', control, cluster: 'calico-lab',
  brokenAfterMs: 300, undoneAfterMs: 40, ...(healedAfterMs === undefined ? {} : { healedAfterMs }), deadlineMs: 60_000, ...extra,
});
const run = (day: number, convergence: ConvergenceRecord[]): RunConvergence => ({ startedAt: `2026-12-${String(day).padStart(2, '0')}T02:17:00.000Z`, host: 'runner', convergence });
const timings = (healedAfterMs?: number) => ({ brokenAfterMs: 300, undoneAfterMs: 40, ...(healedAfterMs === undefined ? {} : { healedAfterMs }), deadlineMs: 60_000 });

describe('a heal time that grew beyond its recent median is flagged', () => {
  it('flags more than twice the median and at least 2 s above it', () => {
    expect(slowerThanUsual(timings(5_000), [1_000, 1_200, 900, 1_100])).toEqual({ medianMs: 1_050, slower: 'healed in 5 s, median 1.1 s over the 4 runs before' });
  });

  it('does not flag a doubling of a few hundred ms (lab scheduling), nor 2 s more that is not twice the median', () => {
    expect(slowerThanUsual(timings(900), [300, 350, 320]).slower).toBeUndefined();
    expect(slowerThanUsual(timings(6_100), [4_000, 4_100, 3_900]).slower).toBeUndefined();
  });

  it('needs three earlier heal times to compare with', () => {
    expect(slowerThanUsual(timings(30_000), [1_000, 1_000])).toEqual({});
    expect(slowerThanUsual(timings(30_000), [1_000, null, 1_000])).toEqual({});
  });

  it('flags a control that did not heal within its deadline, against a median of heals', () => {
    expect(slowerThanUsual(timings(undefined), [1_000, 1_000, 1_000]).slower).toBe('not healed within 60 s, median 1 s over the 3 runs before');
  });
});

describe('convergenceByCell', () => {
  it("keeps each control's latest timings and the heal times of the runs before, oldest first, a run seen twice once", () => {
    const runs = [run(3, [record('proxy_arp off', 5_000)]), run(1, [record('proxy_arp off', 1_000)]), run(2, [record('proxy_arp off', 1_200), record('MAC changed', 400)]), run(1, [record('proxy_arp off', 1_000)])];
    const cell = convergenceByCell(runs).get('K-GW-1 lab/calico-lab')!;
    expect(cell.map((c) => [c.control, c.healedAfterMs, c.earlier, c.at])).toEqual([
      ['proxy_arp off', 5_000, [1_000, 1_200], '2026-12-03T02:17:00.000Z'],
      ['MAC changed', 400, [], '2026-12-02T02:17:00.000Z'],
    ]);
    expect(convergenceLine(cell)).toBe('healed in 5 s of 60 s (slowest of 2 NC)');
    expect(trendLine(cell)).toBe('trend 1 s → 1.2 s → 5 s');
  });

  it(`compares with the last ${TREND.runs} runs only`, () => {
    const runs = Array.from({ length: 15 }, (_, i) => run(i + 1, [record('proxy_arp off', i < 4 ? 10_000 : 1_000)]));
    const [c] = convergenceByCell([...runs, run(20, [record('proxy_arp off', 5_000)])]).get('K-GW-1 lab/calico-lab')!;
    expect(c!.earlier).toHaveLength(TREND.runs);
    expect(c!.medianMs).toBe(1_000);
    expect(c!.slower).toMatch(/^healed in 5 s, median 1 s over the 10 runs before$/);
  });
});

const profiles: Profile[] = [
  { name: 'calico-lab', description: '', provider: 'lab', cni: 'calico', behaviours: ['K-GW-1', 'X-POD-1'] },
];
const groups: RowGroup[] = [
  { name: 'Calico', rows: [{ id: 'K-GW-1', title: 'gateway' }, { id: 'K-VX-1', title: 'vxlan' }] },
  { name: 'cross-CNI', rows: [{ id: 'X-POD-1', title: 'pod to pod' }] },
];
const result = (check: string, uuid: string): AllureResult => ({
  uuid, name: `K-GW-1 ${check}`, fullName: `x#calico-lab K-GW-1 ${check}`, status: 'passed', start: 1, stop: 2,
  labels: [{ name: 'behaviour', value: 'K-GW-1' }, { name: 'profile', value: 'calico-lab' }, { name: 'provider', value: 'lab' }, { name: 'cni', value: 'calico' }, { name: 'check', value: check }],
});
const meta = (day: number, convergence: ConvergenceRecord[], extra: Partial<RunMeta> = {}): RunMeta => ({ ...run(day, convergence), kernel: '6.1', skipNotes: {}, ...extra });

describe('the matrix carries the control timings from run.json to matrix.json, the page and the Markdown', () => {
  const results = [result('behaviour', 'b'), result('negative-control', 'n1'), result('negative-control', 'n2')];
  const history = [1, 2, 3, 4].map((d) => run(d, [record('proxy_arp off', 1_000 + d * 10), record('MAC changed', 300)]));
  const provisioning = [{ profile: 'lab/calico-lab', cluster: 'calico-lab', phases: [{ phase: 'nodes up', ms: 2_875, steps: 2 }, { phase: 'routes/BGP converged', ms: 125, steps: 1 }] }];
  const m = buildMatrix({ results, profiles, groups, runs: [meta(5, [record('proxy_arp off', 4_200), record('MAC changed', 310)], { provisioning })], convergenceHistory: history });

  it('a cell lists each control of the latest run with its earlier heal times and the flag', () => {
    const cell = m.cells['K-GW-1']!['lab/calico-lab']!;
    expect(cell.convergence!.map((c) => ({ control: c.control, healed: c.healedAfterMs, earlier: c.earlier, slower: c.slower }))).toEqual([
      { control: 'proxy_arp off', healed: 4_200, earlier: [1_010, 1_020, 1_030, 1_040], slower: 'healed in 4.2 s, median 1.0 s over the 4 runs before' },
      { control: 'MAC changed', healed: 310, earlier: [300, 300, 300, 300], slower: undefined },
    ]);
    expect(JSON.parse(JSON.stringify(m)).cells['K-GW-1']['lab/calico-lab'].convergence[0]).toMatchObject({ brokenAfterMs: 300, undoneAfterMs: 40, healedAfterMs: 4_200, deadlineMs: 60_000 });
    expect(m.columns[0]!.provisioning).toEqual(provisioning);
  });

  it('a control measured only in the history is not shown as this build\'s', () => {
    const old = buildMatrix({ results, profiles, groups, runs: [meta(5, [])], convergenceHistory: history });
    expect(old.cells['K-GW-1']!['lab/calico-lab']!.convergence).toBeUndefined();
  });

  it('the page shows "healed in", the trend, the flag and how long the cluster took to come up', () => {
    const html = matrixHtml(m);
    expect(html).toContain('<span class="convergence" title="proxy_arp off: broken after 300 ms, healed after 4.2 s of 60 s (median 1.0 s before)&#10;'.replace('&#10;', '\n'));
    expect(html).toContain('>healed in 4.2 s of 60 s (slowest of 2 NC)</span><span class="trend">trend 1.0 s → 1.0 s → 1.0 s → 1.0 s → 4.2 s</span>');
    expect(html).toContain('<span class="slower" title="proxy_arp off">⚠ slower: healed in 4.2 s, median 1.0 s over the 4 runs before</span>');
    expect(html).toContain('<span class="provisioned" title="calico-lab: nodes up 2.9 s, routes/BGP converged 125 ms">up in 3 s</span>');
    expect(matrixMarkdown(m)).toContain('· healed in 4.2 s of 60 s (slowest of 2 NC) ⚠ slower: healed in 4.2 s, median 1.0 s over the 4 runs before');
  });
});

describe('the page a person opens first shows only the rows its profiles claim', () => {
  it('rows and groups no shown profile claims start hidden, and the checkbox to show them starts unchecked', () => {
    const m = buildMatrix({ results: [result('behaviour', 'b')], profiles, groups: [...groups, { name: 'Cilium', rows: [{ id: 'C-TUN-1', title: 'tunnel' }] }] });
    const html = matrixHtml(m);
    expect(html).toContain('<tr class="behaviour" id="K-GW-1">');
    expect(html).toContain('<tr class="behaviour" id="X-POD-1">');
    expect(html).toContain('<tr class="behaviour hidden" id="K-VX-1">');
    expect(html).toContain('<tr class="group hidden"><th colspan="2">Cilium</th></tr>');
    expect(html).toContain('<input type="checkbox" name="unclaimed"> also rows no shown profile claims');
  });
});

describe('the convergence history keeps the runs between builds', () => {
  it('appends one line per build with the runs that measured something, and keeps the last builds only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnc-conv-'));
    dirs.push(dir);
    const file = join(dir, 'h', 'convergence-history.jsonl');
    expect(await readConvergenceHistory(file)).toEqual({ file, lines: [], runs: [] });
    for (const day of [1, 2, 3]) {
      await appendConvergenceHistory(await readConvergenceHistory(file), [meta(day, [record('proxy_arp off', day * 100)]), meta(day, [], { host: 'kind-runner' })], `build ${day}`, 2);
    }
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect((await readConvergenceHistory(file)).runs.map((r) => [r.startedAt.slice(8, 10), r.host, r.convergence[0]!.healedAfterMs])).toEqual([['02', 'runner', 200], ['03', 'runner', 300]]);
  });
});
