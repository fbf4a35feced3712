import { describe, expect, it } from 'vitest';
import { fVx3, type VxHerView } from './f-vx-3.ts';

const ok: VxHerView = {
  hosts: [
    { host: 'host-a', replicateTo: ['192.168.2.62', '192.168.2.63'] },
    { host: 'host-b', replicateTo: ['192.168.2.61', '192.168.2.63'] },
    { host: 'host-c', replicateTo: ['192.168.2.61', '192.168.2.62'] },
  ],
  broadcasts: [
    { from: 'host-b', to: 'host-a', received: 1 }, { from: 'host-c', to: 'host-a', received: 1 },
    { from: 'host-a', to: 'host-b', received: 1 }, { from: 'host-c', to: 'host-b', received: 1 },
    { from: 'host-a', to: 'host-c', received: 1 }, { from: 'host-b', to: 'host-c', received: 1 },
  ],
  requests: [
    { from: 'host-a', target: 'host-b', sent: 1, received: 1 },
    { from: 'host-b', target: 'host-c', sent: 1, received: 1 },
    { from: 'host-c', target: 'host-a', sent: 1, received: 1 },
  ],
};
const lost = (from: string, to: string) => ({ ...ok, broadcasts: ok.broadcasts.map((b) => (b.from === from && b.to === to ? { ...b, received: 0 } : b)) });

describe('F-VX-3 expect', () => {
  it('holds when every host\'s broadcast reaches both remote VTEPs through their all-zero entries', () => {
    expect(fVx3.expect(ok)).toEqual([]);
  });
  it('fails when host-a\'s entry for host-c is gone and host-c receives nothing from host-a', () => {
    const problems = fVx3.expect({ ...lost('host-a', 'host-c'), hosts: [{ host: 'host-a', replicateTo: ['192.168.2.62'] }, ok.hosts[1]!, ok.hosts[2]!] });
    expect(problems).toEqual([
      'host-a\'s vxlan7 has no all-zero fdb entry for host-c (192.168.2.63); add "bridge fdb append 00:00:00:00:00:00 dev vxlan7 dst 192.168.2.63" on host-a',
      'host-c (192.168.2.63) received no ARP broadcast from host-a over vxlan7',
    ]);
    expect(problems.join('\n')).toMatch(fVx3.negativeControls[0]!.expectFailure);
  });
  it('fails on another host\'s fdb and broadcasts (not only host-a\'s), naming the sender', () => {
    const broken = { ...lost('host-b', 'host-c'), hosts: [ok.hosts[0]!, { host: 'host-b' as const, replicateTo: ['192.168.2.61'] }, ok.hosts[2]!],
      requests: ok.requests.map((r) => (r.from === 'host-b' ? { ...r, received: 0 } : r)) };
    const problems = fVx3.expect(broken);
    expect(problems).toEqual([
      'host-b\'s vxlan7 has no all-zero fdb entry for host-c (192.168.2.63); add "bridge fdb append 00:00:00:00:00:00 dev vxlan7 dst 192.168.2.63" on host-b',
      'host-c (192.168.2.63) received no ARP broadcast from host-b over vxlan7',
      "host-b's ARP request for host-c's 10.30.1.3 over vxlan7 got no answer (1 sent)",
    ]);
    expect(problems.join('\n')).toMatch(fVx3.negativeControls[1]!.expectFailure);
    expect(problems.join('\n')).not.toMatch(fVx3.negativeControls[0]!.expectFailure);
  });
  it('fails when a multicast group is configured', () => {
    expect(fVx3.expect({ ...ok, hosts: [{ ...ok.hosts[0]!, group: '239.1.1.1' }, ok.hosts[1]!, ok.hosts[2]!] }))
      .toEqual(['host-a\'s vxlan7 uses multicast group 239.1.1.1: head-end replication must work without one']);
  });
  it('fails when fewer VTEPs were observed', () => {
    expect(fVx3.expect({ hosts: [], broadcasts: [], requests: [] })).toEqual(['only 0 VTEPs observed, expected 3']);
  });
});
