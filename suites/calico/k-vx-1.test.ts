import { describe, expect, it } from 'vitest';
import { pathsFromFixtures } from '../path-fixtures.ts';
import type { VxlanNodeView, VxlanObservation } from '../vxlan-mesh.ts';
import { kVx1 } from './k-vx-1.ts';

const [macA, macB] = ['66:0a:00:00:00:01', '66:0b:00:00:00:02'];
const view = (node: string, address: string, vni: number, mac: string, block: string, remote: { block: string; vtep: string; mac: string; ip: string }): VxlanNodeView => ({
  node, address,
  device: { vni, dstport: 4789, learning: false, mac, up: true, mtu: 1450 },
  vtepIps: [block.split('/')[0]!],
  subnets: [block],
  routes: [{ dst: remote.block, via: remote.vtep, onlink: true }],
  neighbours: [{ address: remote.vtep, lladdr: remote.mac, state: 'PERMANENT' }],
  fdb: [{ mac: remote.mac, dst: remote.ip, state: 'permanent' }],
});
const a = view('node-a', '172.30.0.11', 4096, macA, '10.244.0.0/26', { block: '10.244.0.64/26', vtep: '10.244.0.64', mac: macB, ip: '172.30.0.12' });
const b = view('node-b', '172.30.0.12', 4096, macB, '10.244.0.64/26', { block: '10.244.0.0/26', vtep: '10.244.0.0', mac: macA, ip: '172.30.0.11' });
/** lab/calico-vxlan's pods (clusters/profiles/lab/cni/common.ts calicoPods). */
const pods = [
  { name: 'pod-a1', node: 'node-a', address: '10.244.0.10' }, { name: 'pod-a2', node: 'node-a', address: '10.244.0.11' },
  { name: 'pod-b1', node: 'node-b', address: '10.244.0.74' }, { name: 'pod-b2', node: 'node-b', address: '10.244.0.75' },
];
/** Static views plus the kernel lookups, pings and captures recorded on lab/calico-vxlan in that state. */
const observed = (state: string, nodes: VxlanNodeView[] = [a, b]): VxlanObservation => ({ nodes, ...pathsFromFixtures(`calico-vxlan-${state}`, pods) });
const control = (name: RegExp) => kVx1.negativeControls.find((c) => name.test(c.name))!.expectFailure;

describe('K-VX-1 expectation', () => {
  it('holds with route, permanent neighbour and fdb entry per remote block, the kernel routing every remote pod into vxlan.calico, traffic encapsulated', () => {
    const v = observed('healthy');
    expect(v.lookups).toHaveLength(8);
    expect(v.captures.flatMap((c) => c.packets).filter((p) => p.vni === 4096)).toHaveLength(24);
    expect(kVx1.expect(v)).toEqual([]);
  });

  it('names the missing fdb entry, matching the negative control', () => {
    const problems = kVx1.expect({ ...observed('healthy'), nodes: [{ ...a, fdb: [] }, b] });
    expect(problems).toEqual([`node node-a: no fdb entry ${macB} dst 172.30.0.12 permanent on vxlan.calico (VTEP of node-b)`]);
    expect(problems[0]).toMatch(control(/fdb entry/));
  });

  it('fails when the remote node drops the VXLAN port: requests leave encapsulated, no reply comes back', () => {
    const problems = kVx1.expect(observed('port-dropped'));
    expect(problems).toContain('pod-a1 (10.244.0.10) -> pod-b1 (10.244.0.74): 0/3 ICMP echo replies');
    expect(problems).toContain('pod-a1 (10.244.0.10) -> pod-b2 (10.244.0.75): 0/3 ICMP echo replies');
    expect(problems.join('\n')).toMatch(control(/UDP port 4789 dropped/));
  });

  it('fails on a stale more-specific route into the tunnel, read from the kernel\'s own lookup', () => {
    const problems = kVx1.expect(observed('stale'));
    expect(problems).toContain('node node-a: kernel lookup for pod-a1 (10.244.0.10) -> pod-b1 (10.244.0.74) on node-b goes via 10.244.0.127 dev vxlan.calico, expected via 10.244.0.64 dev vxlan.calico onlink');
    expect(problems.join('\n')).toMatch(control(/stale more-specific/));
  });

  it('fails on a leftover route that sends pod traffic unencapsulated, though every ping is answered', () => {
    const v = observed('leftover');
    expect(v.captures.every((c) => c.pings.every((p) => p.summary?.received === 3))).toBe(true);
    const problems = kVx1.expect(v);
    expect(problems).toContain('node node-a: kernel lookup for pod-a1 (10.244.0.10) -> pod-b1 (10.244.0.74) on node-b goes via 172.30.0.12 dev eth0, expected via 10.244.0.64 dev vxlan.calico onlink');
    expect(problems).toContain('node node-a: bare pod packet on the underlay eth0: 10.244.0.10 > 10.244.0.74: ICMP echo request, id 1684, seq 1, length 64 (expected only encapsulated pod traffic)');
    expect(problems.join('\n')).toMatch(control(/leftover/));
  });

  it('fails on learning on, a wrong VNI, a missing onlink route and a learnt neighbour', () => {
    const bad: VxlanNodeView = { ...a, device: { ...a.device!, vni: 4097, learning: true }, routes: [{ dst: '10.244.0.64/26', via: '10.244.0.64', onlink: false }], neighbours: [{ address: '10.244.0.64', lladdr: macB, state: 'REACHABLE' }] };
    const problems = kVx1.expect(observed('healthy', [bad, b]));
    expect(problems).toEqual([
      'node node-a: vxlan.calico VNI 4097, expected 4096',
      'node node-a: vxlan.calico learns source MACs, expected nolearning',
      'node node-a: route "10.244.0.64/26 via 10.244.0.64" on vxlan.calico, expected 10.244.0.64/26 via 10.244.0.64 dev vxlan.calico onlink (subnet of node-b)',
      `node node-a: neighbour 10.244.0.64 on vxlan.calico is lladdr ${macB} REACHABLE, expected lladdr ${macB} PERMANENT (VTEP of node-b)`,
    ]);
    expect(problems.join('\n')).toMatch(control(/learning on/));
  });

  it('fails without the device or a block; without tcpdump it still judges the pings', () => {
    const { device: _d, ...noDevice } = a;
    const v = observed('healthy', [noDevice, { ...b, subnets: [] }]);
    expect(kVx1.expect(v).slice(0, 2)).toEqual([
      'node node-a: no VXLAN device vxlan.calico',
      'node node-b: no own pod subnet (Felix blackholes the node\'s own block: "blackhole <block>/26")',
    ]);
    // A kind node has no tcpdump: the pings are still judged, the capture shows as a skipped step (captureSubtests).
    const v0 = observed('port-dropped');
    const noCapture = { ...v0, captures: v0.captures.map((c) => ({ ...c, packets: [], unavailable: 'no tcpdump on the node' })) };
    expect(kVx1.expect(noCapture)).toEqual(kVx1.expect(v0).filter((p) => /ICMP echo replies/.test(p)));
    expect(kVx1.expect(noCapture)).toHaveLength(4);
  });
});
