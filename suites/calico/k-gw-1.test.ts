import { describe, expect, it } from 'vitest';
import { kGw1, type PodGatewayView } from './k-gw-1.ts';

const healthy: PodGatewayView = {
  pod: 'pod-a1', node: 'node-a', defaultRoute: { via: '169.254.1.1', dev: 'eth0' }, prefixLength: 32,
  gatewayNeighbour: { lladdr: 'ee:ee:ee:ee:ee:ee', state: 'REACHABLE' }, hostIface: 'cali1234567890a', hostMac: 'ee:ee:ee:ee:ee:ee', proxyArp: '1',
};

describe('K-GW-1 expectation', () => {
  it('holds for a Calico-wired pod', () => {
    expect(kGw1.expect([healthy])).toEqual([]);
  });

  it('names the veth and the value when proxy ARP is off and the gateway went unanswered', () => {
    const problems = kGw1.expect([{ ...healthy, proxyArp: '0', gatewayNeighbour: { state: 'FAILED' } }]);
    expect(problems).toEqual([
      'pod pod-a1 on node-a: neighbour 169.254.1.1 is lladdr (none) state FAILED, expected lladdr ee:ee:ee:ee:ee:ee (answered by proxy ARP)',
      'node-a: net.ipv4.conf.cali1234567890a.proxy_arp = 0, expected 1',
    ]);
  });

  it('names the MAC that differs', () => {
    const problems = kGw1.expect([{ ...healthy, hostMac: '02:00:00:00:00:01', gatewayNeighbour: { lladdr: '02:00:00:00:00:01' } }]);
    expect(problems.join('\n')).toMatch(kGw1.negativeControls[1]!.expectFailure);
  });

  it('fails a pod with a /24 and a default route via a real router', () => {
    const problems = kGw1.expect([{ ...healthy, prefixLength: 24, defaultRoute: { via: '10.244.0.1', dev: 'eth0' } }]);
    expect(problems).toEqual([
      'pod pod-a1 on node-a: default route is via 10.244.0.1 dev eth0, expected via 169.254.1.1 dev eth0',
      'pod pod-a1 on node-a: address prefix is /24, expected /32',
    ]);
  });

  it('fails when no pod was observed or no host veth routes to the pod', () => {
    expect(kGw1.expect([])).toEqual(['no pods to check']);
    const { hostIface: _, ...noVeth } = healthy;
    expect(kGw1.expect([noVeth])).toEqual(['node-a: no route to pod pod-a1 through a host-side veth']);
  });
});
