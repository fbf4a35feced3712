import { describe, expect, it } from 'vitest';
import { buildMatrix, matrixHtml, matrixMarkdown, type AllureResult } from './matrix.ts';

const result = (behaviour: string, profile: string, cni: string, status: AllureResult['status'], check = 'behaviour', message?: string): AllureResult => ({
  name: `${behaviour} on ${profile}`,
  status,
  ...(message ? { statusDetails: { message } } : {}),
  labels: [
    { name: 'behaviour', value: behaviour }, { name: 'profile', value: profile },
    { name: 'cni', value: cni }, { name: 'check', value: check },
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
    expect(matrix.cells['K-GW-1']?.calico).toEqual([{ profile: 'calico-lab', cell: 'pass' }]);
    expect(matrix.cells['K-IPIP-1']?.calico).toEqual([{ profile: 'calico-ipip', cell: 'skip', note: 'K-IPIP-1 requires kernel ipip: no module' }]);
    expect(matrix.cells['L-VX-1']?.flannel?.[0]?.cell).toBe('fail');
  });

  it('renders markdown and HTML with a dash where a CNI has no profile for a behaviour', () => {
    const matrix = buildMatrix([result('K-GW-1', 'calico-lab', 'calico', 'passed'), result('L-VX-1', 'flannel-vxlan', 'flannel', 'failed')]);
    const md = matrixMarkdown(matrix);
    expect(md).toContain('| K-GW-1 | PASS calico-lab | — |');
    expect(md).toContain('| L-VX-1 | — | FAIL flannel-vxlan |');
    expect(matrixHtml(matrix)).toContain('FAIL flannel-vxlan');
  });

  it('says so when there are no behaviour results', () => {
    expect(matrixMarkdown(buildMatrix([]))).toBe('No behaviour results found.\n');
  });
});
