import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpLink } from '../../helpers/parsers/ip-link.ts';
import { pathsFromFixtures } from '../path-fixtures.ts';
import { encapsulationDevices, lHg1, type HostGwNodeView, type HostGwObservation } from './l-hg-1.ts';

const a: HostGwNodeView = { node: 'node-a', address: '172.30.0.11', uplink: 'eth0', subnets: ['10.244.0.0/24'], tunnels: [], routes: [{ dst: '10.244.1.0/24', via: '172.30.0.12', dev: 'eth0' }] };
const b: HostGwNodeView = { node: 'node-b', address: '172.30.0.12', uplink: 'eth0', subnets: ['10.244.1.0/24'], tunnels: [], routes: [{ dst: '10.244.0.0/24', via: '172.30.0.11', dev: 'eth0' }] };
/** lab/flannel-host-gw's pods (clusters/profiles/lab/cni/flannel.ts). */
const pods = [
  { name: 'pod-a1', node: 'node-a', address: '10.244.0.2' }, { name: 'pod-a2', node: 'node-a', address: '10.244.0.3' },
  { name: 'pod-b1', node: 'node-b', address: '10.244.1.2' }, { name: 'pod-b2', node: 'node-b', address: '10.244.1.3' },
];
/** Static views plus the kernel lookups and pings recorded on lab/flannel-host-gw in that state (the static routes never change in these faults). */
const observed = (state: string, nodes: HostGwNodeView[] = [a, b]): HostGwObservation => ({ nodes, ...pathsFromFixtures(`flannel-host-gw-${state}`, pods) });
const control = (name: RegExp) => lHg1.negativeControls.find((c) => name.test(c.name))!.expectFailure;

describe('L-HG-1 expectation', () => {
  it('holds with each remote /24 via its node on the uplink, the kernel forwarding every remote pod that way and every ping answered', () => {
    expect(lHg1.expect(observed('healthy'))).toEqual([]);
  });

  it('names the missing route, matching the negative control', () => {
    const problems = lHg1.expect(observed('healthy', [{ ...a, routes: [] }, b]));
    expect(problems).toEqual(['node node-a: no route to node-b\'s subnet 10.244.1.0/24, expected 10.244.1.0/24 via 172.30.0.12 dev eth0']);
    expect(problems[0]).toMatch(control(/route to the second node/));
  });

  it('fails with forwarding off, though every route is in place', () => {
    const problems = lHg1.expect(observed('forwarding-off'));
    expect(problems).toContain('node node-a: kernel lookup for pod-a1 (10.244.0.2) -> pod-b1 (10.244.1.2) on node-b fails: "RTNETLINK answers: No route to host", expected via 172.30.0.12 dev eth0');
    expect(problems).toContain('pod-a1 (10.244.0.2) -> pod-b1 (10.244.1.2): 0/3 ICMP echo replies');
    expect(problems.join('\n')).toMatch(control(/forwarding off/));
  });

  it('fails on a more-specific on-link route that the main table\'s exact match would miss', () => {
    const problems = lHg1.expect(observed('onlink'));
    expect(problems).toContain('node node-a: kernel lookup for pod-a1 (10.244.0.2) -> pod-b1 (10.244.1.2) on node-b goes via (none) dev eth0, expected via 172.30.0.12 dev eth0');
    expect(problems.join('\n')).toMatch(control(/on-link/));
  });

  it('fails on an ip rule that prohibits the traffic (a table the main-table read never sees)', () => {
    const problems = lHg1.expect(observed('prohibit'));
    expect(problems).toContain('node node-a: kernel lookup for pod-a1 (10.244.0.2) -> pod-b1 (10.244.1.2) on node-b fails: "RTNETLINK answers: Permission denied", expected via 172.30.0.12 dev eth0');
    expect(problems.join('\n')).toMatch(control(/ip rule/));
  });

  it('fails on an encapsulation device and a route through it', () => {
    const vx: HostGwNodeView = { ...a, tunnels: ['flannel.1 (vxlan)'], routes: [{ dst: '10.244.1.0/24', via: '10.244.1.0', dev: 'flannel.1' }] };
    expect(lHg1.expect(observed('healthy', [vx, b]))).toEqual([
      'node node-a: encapsulation device flannel.1 (vxlan) present, expected none with host-gw',
      'node node-a: node-b\'s subnet 10.244.1.0/24 routed via 10.244.1.0 dev flannel.1, expected via 172.30.0.12 dev eth0',
    ]);
  });

  it('counts only devices that are up: a DOWN one (the fallback tunl0 an ipip module load puts in every netns) carries nothing', () => {
    // ip -d link show with one vxlan device down and one up (recorded here, suites/fixtures/encap/SOURCES.md).
    const links = parseIpLink(readFileSync(new URL('../fixtures/encap/ip-d-link-vxlan-down-and-up.txt', import.meta.url), 'utf8'));
    expect(links.filter((l) => l.kind === 'vxlan').map((l) => l.name)).toEqual(['vx-down', 'vx-up']);
    expect(encapsulationDevices(links)).toEqual(['vx-up (vxlan)']);
    const down = links.filter((l) => l.name !== 'vx-up');
    expect(lHg1.expect(observed('healthy', [{ ...a, tunnels: encapsulationDevices(down) }, { ...b, tunnels: encapsulationDevices(down) }]))).toEqual([]);
  });
});
