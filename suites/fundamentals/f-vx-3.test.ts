import { describe, expect, it } from 'vitest';
import { fVx3, type VxHerView } from './f-vx-3.ts';

const ok: VxHerView = {
  replicateTo: ['192.168.2.62', '192.168.2.63'],
  remotes: [{ host: 'host-b', underlay: '192.168.2.62', broadcasts: 1 }, { host: 'host-c', underlay: '192.168.2.63', broadcasts: 1 }],
};

describe('F-VX-3 expect', () => {
  it('holds when every remote VTEP gets the broadcast through its all-zero entry', () => {
    expect(fVx3.expect(ok)).toEqual([]);
  });
  it('fails when host-c\'s entry is gone and it receives nothing', () => {
    expect(fVx3.expect({ replicateTo: ['192.168.2.62'], remotes: [ok.remotes[0]!, { ...ok.remotes[1]!, broadcasts: 0 }] })).toEqual([
      'host-a\'s vxlan7 has no all-zero fdb entry for host-c (192.168.2.63); add "bridge fdb append 00:00:00:00:00:00 dev vxlan7 dst 192.168.2.63"',
      'host-c (192.168.2.63) received no ARP broadcast from host-a over vxlan7',
    ]);
  });
  it('fails when a multicast group is configured', () => {
    expect(fVx3.expect({ ...ok, group: '239.1.1.1' })).toEqual(['host-a\'s vxlan7 uses multicast group 239.1.1.1: head-end replication must work without one']);
  });
});
