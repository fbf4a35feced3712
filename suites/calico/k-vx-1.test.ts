import { describe, expect, it } from 'vitest';
import type { VxlanNodeView } from '../vxlan-mesh.ts';
import { kVx1 } from './k-vx-1.ts';

const [macA, macB] = ['66:0a:00:00:00:01', '66:0b:00:00:00:02'];
const view = (node: string, address: string, vni: number, mac: string, block: string, remote: { block: string; vtep: string; mac: string; ip: string }): VxlanNodeView => ({
  node, address,
  device: { vni, dstport: 4789, learning: false, mac, up: true },
  vtepIps: [block.split('/')[0]!],
  subnets: [block],
  routes: [{ dst: remote.block, via: remote.vtep, onlink: true }],
  neighbours: [{ address: remote.vtep, lladdr: remote.mac, state: 'PERMANENT' }],
  fdb: [{ mac: remote.mac, dst: remote.ip, state: 'permanent' }],
});
const a = view('node-a', '172.30.0.11', 4096, macA, '10.244.0.0/26', { block: '10.244.0.64/26', vtep: '10.244.0.64', mac: macB, ip: '172.30.0.12' });
const b = view('node-b', '172.30.0.12', 4096, macB, '10.244.0.64/26', { block: '10.244.0.0/26', vtep: '10.244.0.0', mac: macA, ip: '172.30.0.11' });

describe('K-VX-1 expectation', () => {
  it('holds with route, permanent neighbour and fdb entry per remote block', () => {
    expect(kVx1.expect([a, b])).toEqual([]);
  });

  it('names the missing fdb entry, matching the negative control', () => {
    const problems = kVx1.expect([{ ...a, fdb: [] }, b]);
    expect(problems).toEqual([`node node-a: no fdb entry ${macB} dst 172.30.0.12 permanent on vxlan.calico (VTEP of node-b)`]);
    expect(problems[0]).toMatch(kVx1.negativeControls[0]!.expectFailure);
  });

  it('fails on a wrong VNI, a missing onlink route and a learnt neighbour', () => {
    const bad: VxlanNodeView = { ...a, device: { ...a.device!, vni: 4097 }, routes: [{ dst: '10.244.0.64/26', via: '10.244.0.64', onlink: false }], neighbours: [{ address: '10.244.0.64', lladdr: macB, state: 'REACHABLE' }] };
    expect(kVx1.expect([bad, b])).toEqual([
      'node node-a: vxlan.calico VNI 4097, expected 4096',
      'node node-a: route "10.244.0.64/26 via 10.244.0.64" on vxlan.calico, expected 10.244.0.64/26 via 10.244.0.64 dev vxlan.calico onlink (subnet of node-b)',
      `node node-a: neighbour 10.244.0.64 on vxlan.calico is lladdr ${macB} REACHABLE, expected lladdr ${macB} PERMANENT (VTEP of node-b)`,
    ]);
  });

  it('fails without the device or a block', () => {
    const { device: _d, ...noDevice } = a;
    expect(kVx1.expect([noDevice, { ...b, subnets: [] }])).toEqual([
      'node node-a: no VXLAN device vxlan.calico',
      'node node-b: no own pod subnet (Felix blackholes the node\'s own block: "blackhole <block>/26")',
    ]);
  });
});
