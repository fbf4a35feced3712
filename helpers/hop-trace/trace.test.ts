import { describe, expect, it } from 'vitest';
import { labProfiles } from '../../clusters/profiles/lab/index.ts';
import { pairHops, type PathEnd } from './path.ts';
import { capturePlan } from './trace.ts';

const planOf = (name: string) => labProfiles.find((p) => p.name === name)!.datapath.hops!;
const end = (pod: string, node: string, address: string, hostVeth: string, nodeAddress: string): PathEnd => ({ pod, node, address, hostVeth, underlay: 'eth0', nodeAddress });
const a1 = end('pod-a1', 'node-a', '10.244.0.10', 'cali-a1', '172.30.0.11');
const a2 = end('pod-a2', 'node-a', '10.244.0.11', 'cali-a2', '172.30.0.11');
const b1 = end('pod-b1', 'node-b', '10.244.0.74', 'cali-b1', '172.30.0.12');
const path = (name: string, a: PathEnd, b: PathEnd) => ({ a, b, hops: pairHops(planOf(name), a, b) });

describe('captures of pairs traced at once', () => {
  it('one pair: each hop device captured once with its own filter, the tunnel\'s packets on the underlay', () => {
    const plan = capturePlan(planOf('calico-vxlan'), [path('calico-vxlan', a1, b1)]);
    expect(plan.get('node-a')!.map((c) => c.command)).toEqual([
      "ip netns exec 'pod-a1' timeout 30 tcpdump -lnn --immediate-mode -i eth0 -c 1000 '(host 10.244.0.10 and host 10.244.0.74)'",
      "timeout 30 tcpdump -lnn --immediate-mode -i cali-a1 -c 1000 '(host 10.244.0.10 and host 10.244.0.74)'",
      "timeout 30 tcpdump -lnn --immediate-mode -i vxlan.calico -c 1000 '(host 10.244.0.10 and host 10.244.0.74)'",
      "timeout 30 tcpdump -lnn --immediate-mode -i eth0 -c 1000 'udp port 4789 or (host 10.244.0.10 and host 10.244.0.74)'",
    ]);
  });

  it('several pairs share one capture per device, whose filter takes each pair\'s packets (the tunnel\'s once)', () => {
    const plan = capturePlan(planOf('calico-vxlan'), [path('calico-vxlan', a1, b1), path('calico-vxlan', a2, b1), path('calico-vxlan', b1, a1)]);
    const nodeB = plan.get('node-b')!;
    expect(new Set(nodeB.map((c) => c.key)).size).toBe(nodeB.length);
    expect(nodeB.find((c) => c.key === 'node-b//eth0')!.command).toBe(
      "timeout 30 tcpdump -lnn --immediate-mode -i eth0 -c 1000 'udp port 4789 or (host 10.244.0.10 and host 10.244.0.74) or (host 10.244.0.11 and host 10.244.0.74) or (host 10.244.0.74 and host 10.244.0.10)'",
    );
    // pod-a2's own devices appear once, for its pair only.
    expect(plan.get('node-a')!.filter((c) => /cali-a2|'pod-a2'/.test(c.command)).map((c) => c.command)).toEqual([
      "ip netns exec 'pod-a2' timeout 30 tcpdump -lnn --immediate-mode -i eth0 -c 1000 '(host 10.244.0.11 and host 10.244.0.74)'",
      "timeout 30 tcpdump -lnn --immediate-mode -i cali-a2 -c 1000 '(host 10.244.0.11 and host 10.244.0.74)'",
    ]);
  });
});
