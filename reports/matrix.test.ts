import { describe, expect, it } from 'vitest';
import { buildMatrix, matrixHtml, matrixMarkdown, type AllureResult } from './matrix.ts';

const result = (behaviour: string, profile: string, cni: string, status: AllureResult['status'], check = 'behaviour', message?: string): AllureResult => ({
  name: `${behaviour} on ${profile}`,
  status,
  ...(message ? { statusDetails: { message } } : {}),
  labels: [
    { name: 'behaviour', value: behaviour }, { name: 'profile', value: profile },
    { name: 'cni', value: cni }, { name: 'check', value: check }, { name: 'provider', value: profile.startsWith('kind-') ? 'kind' : 'lab' },
  ],
});

describe('buildMatrix', () => {
  it('puts each behaviour result under its CNI and keeps negative controls and unit tests out', () => {
    const matrix = buildMatrix([
      result('K-GW-1', 'calico-lab', 'calico', 'passed'),
      result('K-GW-1', 'calico-lab', 'calico', 'passed', 'negative-control'),
      result('K-IPIP-1', 'calico-ipip', 'calico', 'skipped', 'behaviour', 'K-IPIP-1 requires kernel ipip: no module\nmore'),
      result('L-VX-1', 'flannel-vxlan', 'flannel', 'failed'),
      { name: 'a unit test', status: 'passed', labels: [] },
    ]);
    expect(matrix.cnis).toEqual(['calico', 'flannel']);
    expect(matrix.behaviours).toEqual(['K-GW-1', 'K-IPIP-1', 'L-VX-1']);
    expect(matrix.cells['K-GW-1']?.calico).toEqual([{ profile: 'lab/calico-lab', cell: 'pass' }]);
    expect(matrix.cells['K-IPIP-1']?.calico).toEqual([{ profile: 'lab/calico-ipip', cell: 'skip', note: 'K-IPIP-1 requires kernel ipip: no module' }]);
    expect(matrix.cells['L-VX-1']?.flannel?.[0]?.cell).toBe('fail');
  });

  it('renders markdown and HTML with a dash where a CNI has no profile for a behaviour', () => {
    const matrix = buildMatrix([result('K-GW-1', 'calico-lab', 'calico', 'passed'), result('L-VX-1', 'flannel-vxlan', 'flannel', 'failed')]);
    const md = matrixMarkdown(matrix);
    expect(md).toContain('| K-GW-1 | PASS lab/calico-lab | — |');
    expect(md).toContain('| L-VX-1 | — | FAIL lab/flannel-vxlan |');
    expect(matrixHtml(matrix)).toContain('FAIL lab/flannel-vxlan');
  });

  it('tells a lab profile from a kind profile of the same name, in a stable order', () => {
    const matrix = buildMatrix([
      result('K-VX-1', 'kind-calico-vxlan', 'calico', 'skipped'),
      result('K-VX-1', 'calico-vxlan', 'calico', 'passed'),
    ]);
    expect(matrix.cells['K-VX-1']?.calico?.map((o) => `${o.cell} ${o.profile}`)).toEqual(['skip kind/kind-calico-vxlan', 'pass lab/calico-vxlan']);
  });

  it('says so when there are no behaviour results', () => {
    expect(matrixMarkdown(buildMatrix([]))).toBe('No behaviour results found.\n');
  });
});
