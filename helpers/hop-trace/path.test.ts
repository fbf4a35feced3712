import { describe, expect, it } from 'vitest';
import { labProfiles } from '../../clusters/profiles/lab/index.ts';
import { hopLabel, pairHops, type PathEnd } from './path.ts';

const planOf = (name: string) => labProfiles.find((p) => p.name === name)!.datapath.hops!;
const end = (pod: string, node: string, address: string, hostVeth: string, nodeAddress: string): PathEnd => ({ pod, node, address, hostVeth, underlay: 'eth0', nodeAddress });
const a1 = end('pod-a1', 'node-a', '10.244.0.10', 'cali-a1', '172.30.0.11');
const a2 = end('pod-a2', 'node-a', '10.244.0.11', 'cali-a2', '172.30.0.11');
const b1 = end('pod-b1', 'node-b', '10.244.0.74', 'cali-b1', '172.30.0.12');
const walk = (name: string, x: PathEnd, y: PathEnd) => pairHops(planOf(name), x, y).map((h) => `${h.leg[0]} ${hopLabel(h)}${h.encap ? ' (encap)' : ''}`);

describe('hops of a pair, from the datapath\'s hop plan', () => {
  it('every lab datapath with pods declares its hops', () => {
    const pods = labProfiles.filter((p) => p.behaviours.includes('X-POD-1'));
    expect(pods.filter((p) => !p.datapath.hops).map((p) => p.name)).toEqual([]);
  });

  it('calico-vxlan across nodes: veth, routing, FORWARD, vxlan.calico and its fdb, both underlays, INPUT before decapsulation, then back', () => {
    const hops = walk('calico-vxlan', a1, b1);
    expect(hops.slice(0, 14)).toEqual([
      'r eth0 of pod-a1', 'r cali-a1 on node-a', 'r the routing decision on node-a', "r node-a's FORWARD chain", 'r vxlan.calico on node-a',
      'r vxlan.calico on node-a (encap)', 'r eth0 on node-a', 'r eth0 on node-b', "r node-b's INPUT chain", 'r vxlan.calico on node-b',
      'r the routing decision on node-b', "r node-b's FORWARD chain", 'r cali-b1 on node-b', 'r eth0 of pod-b1',
    ]);
    expect(hops.slice(14, 16)).toEqual(['r eth0 of pod-b1', 'r cali-b1 on node-b']);
    expect(pairHops(planOf('calico-vxlan'), a1, b1).slice(14).every((h) => h.leg === 'reply')).toBe(true);
    const route = pairHops(planOf('calico-vxlan'), a1, b1).find((h) => h.route && h.node === 'node-b' && h.leg === 'request')!;
    expect(route.route).toEqual({ from: '10.244.0.10', to: '10.244.0.74', iif: 'vxlan.calico', expectDev: 'cali-b1' });
  });

  it('calico-lab on one node: the node routes from one veth to the other, then FORWARD', () => {
    expect(walk('calico-lab', a1, a2).slice(0, 6)).toEqual(['r eth0 of pod-a1', 'r cali-a1 on node-a', 'r the routing decision on node-a', "r node-a's FORWARD chain", 'r cali-a2 on node-a', 'r eth0 of pod-a2']);
  });

  it('flannel host-gw: cni0 on both nodes, routed over the underlay; bridged on one node (no routing decision)', () => {
    const cross = pairHops(planOf('flannel-host-gw'), a1, b1).filter((h) => h.leg === 'request');
    expect(cross.map((h) => hopLabel(h))).toEqual([
      'eth0 of pod-a1', 'cali-a1 on node-a', 'cni0 on node-a', 'the routing decision on node-a', "node-a's FORWARD chain", 'eth0 on node-a', 'eth0 on node-b',
      'the routing decision on node-b', "node-b's FORWARD chain", 'cni0 on node-b', 'cali-b1 on node-b', 'eth0 of pod-b1',
    ]);
    expect(cross[3]!.route).toMatchObject({ iif: 'cni0', expectDev: 'eth0' });
    expect(walk('flannel-host-gw', a1, a2).filter((h) => h.startsWith('r')).some((h) => h.includes('routing'))).toBe(false);
  });

  it('a packet leaving a pod names the host veth as the neighbour that must answer', () => {
    const first = pairHops(planOf('calico-lab'), a1, b1)[0]!;
    expect(first.peer).toEqual({ node: 'node-a', kind: 'host-veth', device: 'cali-a1', pod: 'pod-a1' });
  });
});
