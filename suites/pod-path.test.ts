import { describe, expect, it } from 'vitest';
import type { ClusterHandle } from '../clusters/types.ts';
import { recording, replayCluster, replayTracer } from '../helpers/hop-trace/recordings.ts';
import { kVx1 } from './calico/k-vx-1.ts';
import { crossingPackets, locateLostPings, pingPace, underlayProblems, type UnderlayCapture } from './pod-path.ts';

describe('crossingPackets', () => {
  // Two pods per node, every node's first pod pinging every remote pod: what each underlay carries (3 requests + 3 replies a ping).
  const pods = (node: string) => [{ node }, { node }];
  it('counts a node\'s own pings and the other nodes\' pings to its pods', () => {
    const two = [{ node: 'a', remote: pods('b') }, { node: 'b', remote: pods('a') }];
    expect(crossingPackets('a', two)).toBe((2 + 2) * 6);
    expect(crossingPackets('b', two)).toBe((2 + 2) * 6);
  });
  it('leaves out pings between two other nodes', () => {
    const three = [
      { node: 'a', remote: [...pods('b'), ...pods('c')] },
      { node: 'b', remote: [...pods('a'), ...pods('c')] },
      { node: 'c', remote: [...pods('a'), ...pods('b')] },
    ];
    // a: its own 4, b's 2 and c's 2 to a's pods; b -> c and c -> b never cross a.
    expect(crossingPackets('a', three)).toBe((4 + 2 + 2) * 6);
  });
});

describe('pingPace', () => {
  const on = (provider: 'lab' | 'kind' | 'attach') => ({ capabilities: { provider } }) as unknown as ClusterHandle;
  it('lab timescale on the lab only; kind and attach keep their waits', () => {
    expect(pingPace(on('lab'))).toEqual({ interval: '0.01', wait: '0.2', settleMs: 50 });
    expect(pingPace(on('kind'))).toEqual({ interval: '0.2', wait: '1', settleMs: 500 });
    expect(pingPace(on('attach'))).toEqual({ interval: '0.2', wait: '1', settleMs: 500 });
  });
});

describe('the tunnel and route checks\' lost pings, traced (recorded lab traces replayed)', () => {
  const ping = (fromPod: string, from: string, toPod: string, to: string, received: number): UnderlayCapture['pings'][number] =>
    ({ fromPod, from, toPod, to, summary: { transmitted: 3, received } });

  it('VXLAN dropped on input at the remote node (calico-vxlan, K-VX-1): its INPUT chain named after the ping\'s line', async () => {
    const f = recording('calico-vxlan/vxlan-port-dropped-remote');
    const cluster = replayCluster('calico-vxlan', [['pod-a1', 'node-a'], ['pod-b1', 'node-b'], ['pod-b2', 'node-b']]);
    const captures: UnderlayCapture[] = [{ node: 'node-a', iface: 'eth0', packets: [], unavailable: 'not read here', pings: [
      ping('pod-a1', '10.244.0.10', 'pod-b1', '10.244.0.74', 0), ping('pod-a1', '10.244.0.10', 'pod-b2', '10.244.0.75', 3),
    ] }];
    const located = await locateLostPings(cluster, captures, {}, 3, replayTracer([f]));
    expect(located).toHaveLength(1);
    expect(located[0]!.at).toEqual(f.injectedAt[0]);
    const problems = underlayProblems(captures, [], { kind: 'vxlan', vni: 4096, port: 4789 });
    expect(problems[0]).toBe('pod-a1 (10.244.0.10) -> pod-b1 (10.244.0.74): 0/3 ICMP echo replies');
    expect(problems[1]).toMatch(/^pod-a1 -> pod-b1 ICMP: lost between eth0 on node-b and vxlan\.calico on node-b: 10 seen on eth0 on node-b, 0 on vxlan\.calico on node-b, carried as VXLAN VNI 4096 to 172\.30\.0\.12:4789 \(node-b INPUT dropped 10: /);
    expect(problems).toHaveLength(2);
    // The control that cuts a remote pod off still matches.
    expect(problems.join('\n')).toMatch(kVx1.negativeControls.find((c) => c.expectFailure.source.includes('ICMP echo replies'))!.expectFailure);
  });

  it('forwarding off on the remote node (flannel-host-gw, L-HG-1): its routing decision named with what the kernel said', async () => {
    const f = recording('flannel-host-gw/forwarding-off');
    const cluster = replayCluster('flannel-host-gw', [['pod-a1', 'node-a'], ['pod-b1', 'node-b']]);
    const captures: UnderlayCapture[] = [{ node: 'node-a', iface: 'eth0', packets: [], pings: [ping('pod-a1', '10.244.0.2', 'pod-b1', '10.244.1.2', 0)] }];
    const located = await locateLostPings(cluster, captures, {}, 1, replayTracer([f]));
    expect(located[0]!.at).toEqual(f.injectedAt[0]);
    expect(underlayProblems(captures, [])).toEqual([
      'pod-a1 (10.244.0.2) -> pod-b1 (10.244.1.2): 0/3 ICMP echo replies',
      'pod-a1 -> pod-b1 ICMP: lost between eth0 on node-b and cni0 on node-b: 10 seen on eth0 on node-b, 0 on cni0 on node-b; the routing decision on node-b: ip route get 10.244.1.2 from 10.244.0.2 iif eth0 fails: "RTNETLINK answers: No route to host"',
    ]);
  });
});
