import { describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/parsers/fixture.ts';
import { parseLinkEnds, parseNetnsIds } from '../../helpers/probes/traffic-veth.ts';
import { recording, replayCluster, replayTracer } from '../../helpers/hop-trace/recordings.ts';
import { forwardingLoss, kGw1, locateForwarding, parseProxyArp, type PodGatewayView } from './k-gw-1.ts';

const healthy: PodGatewayView = {
  pod: 'pod-a1', node: 'node-a', address: '10.244.0.10', defaultRoute: { via: '169.254.1.1', dev: 'eth0' }, prefixLength: 32,
  gatewayNeighbour: { lladdr: 'ee:ee:ee:ee:ee:ee', state: 'REACHABLE' }, hostIface: 'cali1234567890a', hostMac: 'ee:ee:ee:ee:ee:ee', proxyArp: '1',
  forwarding: { to: 'pod-b1', toAddress: '10.244.0.74', toNode: 'node-b', route: { via: '169.254.1.1', dev: 'eth0' }, sent: 5, received: 5, tcp: { answeredBy: 'pod-b1', unparsed: [] } },
  veth: { podIfindex: 2, podPeerIndex: 3, hostIfindex: 3, hostPeerIndex: 2, hostPeerNetns: 'pod-a1' },
};
const control = (name: RegExp) => kGw1.negativeControls.find((c) => name.test(c.name))!;

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

  it('fails a gateway that answers ARP but forwards nothing, naming the target and both protocols', () => {
    const problems = kGw1.expect([{ ...healthy, forwarding: { ...healthy.forwarding!, received: 0, tcp: { error: 'curl: (28) Failed to connect to 10.244.0.74 port 8080 after 1000 ms: Timeout was reached', unparsed: [] } } }]);
    expect(problems).toEqual([
      'pod pod-a1 on node-a: traffic through 169.254.1.1 to pod-b1 (10.244.0.74) on node-b not forwarded: ICMP 0/5 received, TCP 8080: no answer (curl: (28) Failed to connect to 10.244.0.74 port 8080 after 1000 ms: Timeout was reached)',
    ]);
    expect(problems.join('\n')).toMatch(control(/drops everything/).expectFailure);
  });

  it('turns client lines no parser knows into a problem', () => {
    expect(kGw1.expect([{ ...healthy, forwarding: { ...healthy.forwarding!, unparsed: ['odd'] } }])).toEqual(['pod pod-a1 on node-a: client output the parsers do not understand: "odd"']);
  });

  it('fails TCP alone not forwarded, and a pod route that bypasses the gateway', () => {
    expect(kGw1.expect([{ ...healthy, forwarding: { ...healthy.forwarding!, tcp: { error: 'empty reply', unparsed: [] } } }])[0]).toMatch(/ICMP 5\/5 received, TCP 8080: no answer \(empty reply\)/);
    expect(kGw1.expect([{ ...healthy, forwarding: { ...healthy.forwarding!, route: { dev: 'eth0' } } }]))
      .toEqual(['pod pod-a1 on node-a: its route to pod-b1 (10.244.0.74) on node-b is via (none) dev eth0, expected via 169.254.1.1 dev eth0']);
  });

  it('fails the node routing a pod to a veth that is not the peer of its eth0 (stale route to another pod\'s veth)', () => {
    const problems = kGw1.expect([{ ...healthy, hostIface: 'cali00000000000', veth: { podIfindex: 2, podPeerIndex: 3, hostIfindex: 4, hostPeerIndex: 2, realHostIface: 'cali1234567890a', hostPeerNetns: 'pod-a2' } }]);
    expect(problems).toEqual(["node-a: the route to pod pod-a1 (10.244.0.10) goes to cali00000000000 (ifindex 4), but pod-a1's eth0 is the peer of ifindex 3 (cali1234567890a)"]);
    expect(problems.join('\n')).toMatch(control(/another pod's veth/).expectFailure);
    expect(kGw1.expect([{ ...healthy, veth: { ...healthy.veth!, hostPeerIndex: 7 } }])).toEqual(["node-a: cali1234567890a's peer is ifindex 7 in pod-a1, not pod pod-a1's eth0 (ifindex 2)"]);
    expect(kGw1.expect([{ ...healthy, veth: {} }])[0]).toMatch(/cannot tie pod pod-a1's eth0 to cali1234567890a/);
  });

  it('ties the real lab veth ends together from ip -d -j link (captured on calico-lab)', () => {
    const node = parseLinkEnds(fixture('ip-link-json', 'calico-lab-node-a.json'));
    const [eth0] = parseLinkEnds(fixture('ip-link-json', 'calico-lab-pod-a1-eth0.json'));
    const netns = parseNetnsIds(fixture('ip-link-json', 'calico-lab-node-a-netns-list-id.json'));
    const host = node.find((l) => l.ifindex === eth0!.peerIndex)!;
    expect(host).toMatchObject({ ifname: 'calidd33ceb84a6', ifindex: 3, peerIndex: 2, peerNetnsId: 1, address: 'ee:ee:ee:ee:ee:ee', kind: 'veth', mtu: 1500 });
    expect(netns.get(host.peerNetnsId!)).toBe('pod-a1');
    expect(eth0).toMatchObject({ ifname: 'eth0', ifindex: 2, peerIndex: 3, peerNetnsId: 0 });
  });

  it('reads every interface\'s proxy_arp from one grep', () => {
    expect(parseProxyArp('/proc/sys/net/ipv4/conf/all/proxy_arp:0\n/proc/sys/net/ipv4/conf/calidd33ceb84a6/proxy_arp:1\n')).toEqual(new Map([['all', '0'], ['calidd33ceb84a6', '1']]));
  });
});

describe('K-GW-1 where the traffic through the gateway died (recorded calico-lab traces replayed)', () => {
  const cluster = replayCluster('calico-lab', [['pod-a1', 'node-a'], ['pod-b1', 'node-b']]);
  const proxyArpOff = recording('calico-lab/proxy-arp-off');
  const dropsForwarded = recording('calico-lab/gateway-drops-forwarded');
  const noTcp = { error: 'curl: (28) Failed to connect to 10.244.0.74 port 8080 after 1000 ms: Timeout was reached', unparsed: [] };

  it('traces ICMP when pings were lost, else TCP left unanswered; an answer from the wrong pod is no loss', () => {
    const f = healthy.forwarding!;
    expect(forwardingLoss(f)).toBeUndefined();
    expect(forwardingLoss({ ...f, received: 0, tcp: noTcp })).toBe('burst');
    expect(forwardingLoss({ ...f, sent: 3, received: 3 })).toBe('burst');
    expect(forwardingLoss({ ...f, tcp: noTcp })).toBe('tcp');
    expect(forwardingLoss({ ...f, tcp: { answeredBy: 'pod-b2', unparsed: [] } })).toBeUndefined();
  });

  it('names the hop of each failing pod in its own line after the one the control matches, and hands the traces on', async () => {
    const a1: PodGatewayView = { ...healthy, forwarding: { ...healthy.forwarding!, received: 0, tcp: noTcp } };
    const b1: PodGatewayView = {
      ...healthy, pod: 'pod-b1', node: 'node-b', address: '10.244.0.74',
      forwarding: { ...healthy.forwarding!, to: 'pod-a1', toAddress: '10.244.0.10', toNode: 'node-a', tcp: noTcp },
    };
    const raw: Record<string, string> = {};
    const located = await locateForwarding(cluster, [a1, b1, healthy], raw, 3, replayTracer([proxyArpOff, dropsForwarded]));
    expect(located.map((l) => l.what)).toEqual(['pod-a1 -> pod-b1 ICMP', 'pod-b1 -> pod-a1 TCP']);
    expect(located[0]!.at).toEqual(proxyArpOff.injectedAt[0]);
    expect(located[1]!.at).toEqual(dropsForwarded.injectedAt[0]);
    const problems = kGw1.expect([a1, b1]);
    expect(problems).toContainEqual(expect.stringMatching(/^pod-a1 -> pod-b1 ICMP: lost at eth0 of pod-b1: 10 requests arrived, 0 replies left; pod-b1 cannot resolve 169\.254\.1\.1 on eth0 .*: cali\S+ on node-b does not answer for it$/));
    expect(problems).toContainEqual(expect.stringMatching(/^pod-b1 -> pod-a1 TCP: lost between cali86a12876b92 on node-b and eth0 on node-b: .*\(node-b FORWARD dropped \d+: -i cali86a12876b92 .*\) \[the node's counters, over the 2 pairs traced at once\]$/));
    expect(problems.indexOf(problems.find((p) => p.startsWith('pod-a1 -> pod-b1 ICMP'))!)).toBe(problems.findIndex((p) => p.startsWith('pod pod-a1 on node-a: traffic through')) + 1);
    expect(problems.join('\n')).toMatch(control(/drops everything/).expectFailure);
    expect(Object.keys(raw)).toHaveLength(2);
  });
});
