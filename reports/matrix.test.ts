import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../clusters/types.ts';
import { matrixHtml } from './matrix-html.ts';
import { matrixMarkdown } from './matrix-md.ts';
import { buildMatrix, CATALOGUE_GROUPS, cellDetail, MARK, type AllureResult, type RowGroup } from './matrix.ts';

const profiles: Profile[] = [
  { name: 'calico-lab', description: '', provider: 'lab', cni: 'calico', behaviours: ['K-GW-1', 'X-POD-1'] },
  { name: 'calico-vxlan', description: '', provider: 'kind', cni: 'calico', behaviours: ['K-GW-1', 'K-VX-1'] },
  { name: 'cilium-vxlan', description: '', provider: 'kind', cni: 'cilium', behaviours: ['C-TUN-1', 'X-POD-1'] },
  { name: 'fund-vxlan', description: '', provider: 'lab', cni: 'none', behaviours: ['F-VX-1'] },
];
const groups: RowGroup[] = [
  { name: 'Cilium', rows: [{ id: 'C-TUN-1', title: 'VXLAN tunnel' }] },
  { name: 'Calico', rows: [{ id: 'K-GW-1', title: 'gateway' }, { id: 'K-VX-1', title: 'vxlan' }] },
  { name: 'fundamentals', rows: [{ id: 'F-VX-1', title: 'p2p vxlan' }] },
  { name: 'cross-CNI', rows: [{ id: 'X-POD-1', title: 'pod to pod' }] },
];

let n = 0;
function result(id: string, profile: string, status: AllureResult['status'], extra: Partial<AllureResult> & { check?: string } = {}): AllureResult {
  const [provider, name] = profile.split('/') as [string, string];
  const cni = profiles.find((p) => p.name === name && p.provider === provider)?.cni ?? 'calico';
  const { check = 'behaviour', ...rest } = extra;
  n++;
  return {
    uuid: `uuid-${n}`, name: `${id} ${check} ${n}`, fullName: `cni-conformance:suites/${provider}/${name}.${provider}.test.ts#${name} [${provider}, ${cni}] ${id} ${check} ${n}`,
    status, start: 1000, stop: 3500,
    labels: [{ name: 'behaviour', value: id }, { name: 'profile', value: name }, { name: 'provider', value: provider }, { name: 'cni', value: cni }, { name: 'check', value: check }],
    ...rest,
  };
}

describe('buildMatrix', () => {
  it('has a row per catalogue id in its group and a column per profile that ran, grouped by CNI (cilium, calico, flannel, none)', () => {
    const m = buildMatrix({ results: [result('F-VX-1', 'lab/fund-vxlan', 'passed'), result('K-GW-1', 'lab/calico-lab', 'passed'), result('C-TUN-1', 'kind/cilium-vxlan', 'skipped'), result('K-GW-1', 'kind/calico-vxlan', 'failed')], profiles, groups });
    expect(m.columns.map((c) => c.profile)).toEqual(['kind/cilium-vxlan', 'kind/calico-vxlan', 'lab/calico-lab', 'lab/fund-vxlan']);
    expect(m.groups.map((g) => g.name)).toEqual(['Cilium', 'Calico', 'fundamentals', 'cross-CNI']);
    expect(Object.keys(m.cells)).toEqual(['C-TUN-1', 'K-GW-1', 'K-VX-1', 'F-VX-1', 'X-POD-1']);
  });

  it('fills a cell with status, negative controls passed of total, duration and the Allure link (md5 of the uuid)', () => {
    const b = result('K-GW-1', 'lab/calico-lab', 'passed');
    const m = buildMatrix({
      results: [b, result('K-GW-1', 'lab/calico-lab', 'passed', { check: 'negative-control' }), result('K-GW-1', 'lab/calico-lab', 'failed', { check: 'negative-control' }), result('K-GW-1', 'lab/calico-lab', 'skipped', { check: 'negative-control' })],
      profiles, groups,
    });
    expect(m.cells['K-GW-1']!['lab/calico-lab']).toEqual({
      state: 'pass', controls: { passed: 1, total: 3, skipped: 1 }, durationMs: 2500,
      href: `allure-report/index.html#${createHash('md5').update(b.uuid!).digest('hex')}`,
    });
  });

  it('says n/a where the profile does not claim the behaviour and "not run" where it does but no result came', () => {
    const m = buildMatrix({ results: [result('K-GW-1', 'kind/calico-vxlan', 'passed'), result('X-POD-1', 'lab/calico-lab', 'passed')], profiles, groups });
    expect(m.cells['C-TUN-1']!['kind/calico-vxlan']!.state).toBe('na');
    expect(m.cells['K-VX-1']!['kind/calico-vxlan']!.state).toBe('missing');
    expect(m.cells['K-GW-1']!['lab/calico-lab']!.state).toBe('missing');
  });

  it('says "no result" for a requested profile nothing came back for, and for what a run that did not finish never reached', () => {
    const none = buildMatrix({ results: [], profiles, groups, expected: ['kind/calico-vxlan'] });
    expect(none.columns).toEqual([expect.objectContaining({ profile: 'kind/calico-vxlan', provider: 'kind', cni: 'calico', noResults: expect.stringMatching(/^no result came back/) })]);
    expect(none.cells['K-GW-1']!['kind/calico-vxlan']).toMatchObject({ state: 'noresult', reason: expect.stringMatching(/^no result came back/) });
    expect(none.cells['C-TUN-1']!['kind/calico-vxlan']!.state).toBe('na');
    const partial = (status: 'did not finish' | 'finished') => buildMatrix({
      results: [result('K-GW-1', 'kind/calico-vxlan', 'passed')], profiles, groups,
      requested: [{ provider: 'kind', profiles: ['kind/calico-vxlan'], status, ...(status === 'finished' ? { exitCode: 1 } : {}) }],
    }).cells['K-VX-1']!['kind/calico-vxlan'];
    expect(partial('did not finish')).toEqual({ state: 'noresult', reason: 'the kind run did not finish (killed or timed out) before this test' });
    expect(partial('finished')).toEqual({ state: 'missing' });
    expect(MARK.noresult).toBe('no result');
  });

  it('takes a skip reason from run.json notes (allure-vitest drops ctx.skip notes), else from the result', () => {
    const skipped = result('C-TUN-1', 'kind/cilium-vxlan', 'skipped');
    const failed = result('K-GW-1', 'kind/calico-vxlan', 'failed', { statusDetails: { message: 'node-a: proxy_arp = 0, expected 1\nstack' } });
    const key = skipped.fullName!.split(':').slice(1).join(':');
    const m = buildMatrix({ results: [skipped, failed], profiles, groups, runs: [{ startedAt: '2026-01-01T00:00:00Z', kernel: '6.8.0', host: 'h', skipNotes: { [key]: 'kind cannot run here: no registry' } }] });
    expect(m.cells['C-TUN-1']!['kind/cilium-vxlan']).toMatchObject({ state: 'skip', reason: 'kind cannot run here: no registry' });
    expect(m.cells['K-GW-1']!['kind/calico-vxlan']).toMatchObject({ state: 'fail', reason: 'node-a: proxy_arp = 0, expected 1' });
  });

  it('a failure\'s reason in the cell is its heading with the first problem, not the heading alone', () => {
    const failed = result('X-POD-1', 'lab/calico-lab', 'failed', { statusDetails: { message: 'X-POD-1 does not hold:\n  - pod-a1 -> pod-b1 (10.244.0.74) across nodes: TCP 8080: no answer (curl: (28) x)\n  - second' } });
    expect(buildMatrix({ results: [failed], profiles, groups }).cells['X-POD-1']!['lab/calico-lab']!.reason)
      .toBe('X-POD-1 does not hold: pod-a1 -> pod-b1 (10.244.0.74) across nodes: TCP 8080: no answer (curl: (28) x)');
  });

  it('keeps the three verdicts apart: FAIL (Allure failed), INCONCLUSIVE (unknown) with its cause, ERROR (broken)', () => {
    const m = buildMatrix({
      results: [
        result('K-GW-1', 'kind/calico-vxlan', 'unknown', { statusDetails: { message: 'INCONCLUSIVE: K-GW-1 could not be observed on x:\n  - could not observe: ...' } }),
        result('X-POD-1', 'lab/calico-lab', 'broken', { statusDetails: { message: 'TypeError: x is undefined' } }),
        result('X-POD-1', 'lab/calico-lab', 'unknown', { check: 'negative-control' }),
      ],
      profiles, groups,
    });
    expect(m.cells['K-GW-1']!['kind/calico-vxlan']).toMatchObject({ state: 'inconclusive', reason: 'INCONCLUSIVE: K-GW-1 could not be observed on x: could not observe: ...' });
    expect(m.cells['X-POD-1']!['lab/calico-lab']).toMatchObject({ state: 'error', reason: 'TypeError: x is undefined', controls: { passed: 0, total: 1, skipped: 0, inconclusive: 1 } });
    expect(cellDetail(m.cells['X-POD-1']!['lab/calico-lab']!)).toMatch(/^NC 0\/1 \(1 inconclusive\)/);
    expect([MARK.inconclusive, MARK.error, MARK.fail]).toEqual(['INCONCLUSIVE', 'ERROR', 'FAIL']);
  });

  it('counts a test that ran in two merged folders once, the latest', () => {
    const old = result('K-GW-1', 'lab/calico-lab', 'failed', { stop: 2000 });
    const again = { ...result('K-GW-1', 'lab/calico-lab', 'passed', { stop: 9000 }), fullName: old.fullName! };
    expect(buildMatrix({ results: [again, old], profiles, groups }).cells['K-GW-1']!['lab/calico-lab']!.state).toBe('pass');
    expect(buildMatrix({ results: [old, again], profiles, groups }).cells['K-GW-1']!['lab/calico-lab']!.state).toBe('pass');
  });

  it('lists behaviours outside the catalogue in a group of their own instead of dropping them', () => {
    const m = buildMatrix({ results: [result('Z-NEW-1', 'lab/calico-lab', 'passed')], profiles, groups });
    expect(m.groups.at(-1)).toEqual({ name: 'not in the catalogue', rows: [{ id: 'Z-NEW-1', title: '' }] });
  });

  it('groups the real catalogue as BEHAVIOURS.md does, every id once', () => {
    expect(CATALOGUE_GROUPS.map((g) => g.name)).toEqual(['Cilium', 'Calico', 'Flannel', 'fundamentals', 'cross-CNI']);
    const ids = CATALOGUE_GROUPS.flatMap((g) => g.rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(CATALOGUE_GROUPS[0]!.rows.every((r) => r.id.startsWith('C-'))).toBe(true);
  });
});

describe('matrix pages', () => {
  const m = buildMatrix({
    results: [result('K-GW-1', 'lab/calico-lab', 'passed'), result('C-TUN-1', 'kind/cilium-vxlan', 'skipped', { description: 'Skipped: kind cannot run here: <no registry>' })],
    profiles, groups, topologies: { 'lab/calico-lab': 'topology/lab-calico-lab.svg' },
    runs: [{ startedAt: '2026-01-01T03:00:00Z', kernel: '6.8.0-1017-azure', host: 'runner', skipNotes: {} }], versions: { Cilium: '1.20.0' },
  });

  it('HTML: header with run time, versions, kernel; filters; a linked mark per result; reasons escaped, on hover and in text', () => {
    const html = matrixHtml(m);
    expect(html).toContain('2026-01-01T03:00:00Z');
    expect(html).toContain('Cilium <code>1.20.0</code>');
    expect(html).toContain('6.8.0-1017-azure (runner)');
    expect(html).toContain('<input type="checkbox" name="cni" value="cilium" checked>');
    expect(html).toContain('<select name="status">');
    expect(html).toContain('<option value="noresult">no result</option>');
    expect(html).toMatch(/<td class="cell pass" data-cni="calico" data-state="pass"><a class="mark" href="allure-report\/index.html#[0-9a-f]{32}">PASS<\/a>/);
    expect(html).toContain('title="kind cannot run here: &lt;no registry&gt;"');
    expect(html).toContain('<span class="reason">kind cannot run here: &lt;no registry&gt;</span>');
    expect(html).toContain('<a class="topology" href="topology/lab-calico-lab.svg">topology</a>');
    expect(html.match(/<td class="cell /g)).toHaveLength(m.columns.length * 5);
  });

  it('Markdown: one table per group with rows some profile claims, links when a base URL is given', () => {
    const md = matrixMarkdown(m, { baseUrl: 'https://o.github.io/r/' });
    expect(md).toContain('| Calico | lab/calico-lab |');
    expect(md).toMatch(/\| K-GW-1 gateway \| \[PASS\]\(https:\/\/o\.github\.io\/r\/allure-report\/index\.html#[0-9a-f]{32}\) 2\.5 s \|/);
    expect(md).toContain('SKIP');
    expect(md).not.toContain('### fundamentals');
  });

  it('says so when there are no behaviour results', () => {
    expect(matrixMarkdown(buildMatrix({ results: [], profiles, groups }))).toBe('No behaviour results found.\n');
  });
});
