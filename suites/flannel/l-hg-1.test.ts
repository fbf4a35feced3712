import { describe, expect, it } from 'vitest';
import { lHg1, type HostGwNodeView } from './l-hg-1.ts';

const a: HostGwNodeView = { node: 'node-a', address: '172.30.0.11', uplink: 'eth0', subnets: ['10.244.0.0/24'], tunnels: [], routes: [{ dst: '10.244.1.0/24', via: '172.30.0.12', dev: 'eth0' }] };
const b: HostGwNodeView = { node: 'node-b', address: '172.30.0.12', uplink: 'eth0', subnets: ['10.244.1.0/24'], tunnels: [], routes: [{ dst: '10.244.0.0/24', via: '172.30.0.11', dev: 'eth0' }] };

describe('L-HG-1 expectation', () => {
  it('holds with each remote /24 via its node on the uplink', () => {
    expect(lHg1.expect([a, b])).toEqual([]);
  });

  it('names the missing route, matching the negative control', () => {
    const problems = lHg1.expect([{ ...a, routes: [] }, b]);
    expect(problems).toEqual(['node node-a: no route to node-b\'s subnet 10.244.1.0/24, expected 10.244.1.0/24 via 172.30.0.12 dev eth0']);
    expect(problems[0]).toMatch(lHg1.negativeControls[0]!.expectFailure);
  });

  it('fails on an encapsulation device and a route through it', () => {
    const vx: HostGwNodeView = { ...a, tunnels: ['flannel.1 (vxlan)'], routes: [{ dst: '10.244.1.0/24', via: '10.244.1.0', dev: 'flannel.1' }] };
    expect(lHg1.expect([vx, b])).toEqual([
      'node node-a: encapsulation device flannel.1 (vxlan) present, expected none with host-gw',
      'node node-a: node-b\'s subnet 10.244.1.0/24 routed via 10.244.1.0 dev flannel.1, expected via 172.30.0.12 dev eth0',
    ]);
  });
});
