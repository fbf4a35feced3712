import { describe, expect, it } from 'vitest';
import { recording, replayCluster, replayTracer } from '../../helpers/hop-trace/recordings.ts';
import { locateLostDf, xMtu1, type FullSizePath, type MtuObservation, type NodeMtuView } from './x-mtu-1.ts';

const vxlanNode: NodeMtuView = { node: 'node-a', underlay: { iface: 'eth0', mtu: 1500 }, tunnels: [{ name: 'vxlan.calico', kind: 'vxlan', overhead: 50, mtu: 1450 }] };
const plainNode: NodeMtuView = { node: 'node-a', underlay: { iface: 'eth0', mtu: 1500 }, tunnels: [] };
const obs = (node: NodeMtuView, eth0Mtu: number, routeMtu?: number): MtuObservation => ({
  nodes: [node], pods: [{ pod: 'pod-a1', node: 'node-a', eth0Mtu, ...(routeMtu ? { routeMtu } : {}) }],
});

describe('X-MTU-1 expectation', () => {
  it('holds for 1450 over VXLAN, 1480 over IPIP and 1500 without encapsulation', () => {
    expect(xMtu1.expect(obs(vxlanNode, 1450))).toEqual([]);
    expect(xMtu1.expect(obs({ ...plainNode, tunnels: [{ name: 'tunl0', kind: 'ipip', overhead: 20, mtu: 1480 }] }, 1480))).toEqual([]);
    expect(xMtu1.expect(obs(plainNode, 1500))).toEqual([]);
  });

  it('takes a lower route MTU as the pod MTU (Cilium)', () => {
    expect(xMtu1.expect(obs(vxlanNode, 1500, 1450))).toEqual([]);
  });

  it('names the pod, its MTU and the arithmetic, matching the negative control', () => {
    const problems = xMtu1.expect(obs(vxlanNode, 1350));
    expect(problems).toEqual(['pod pod-a1 on node-a: eth0 MTU 1350, expected 1450 (underlay eth0 1500 - 50 vxlan overhead of vxlan.calico)']);
    expect(problems[0]).toMatch(xMtu1.negativeControls[0]!.expectFailure);
  });

  it('matches the negative control on a Cilium pod, whose default route keeps mtu 1450 while eth0 is lowered', () => {
    // cilium-kpr: eth0 at the device MTU 1500, default route mtu 1450 (plugins/cilium-cni/cmd/cmd.go, conf.RouteMTU); the
    // control takes eth0 to 1400.
    const ciliumNode: NodeMtuView = { ...vxlanNode, tunnels: [{ name: 'cilium_vxlan', kind: 'vxlan', overhead: 50 }] };
    expect(xMtu1.expect(obs(ciliumNode, 1500, 1450))).toEqual([]);
    const problems = xMtu1.expect(obs(ciliumNode, 1400, 1450));
    expect(problems).toEqual(['pod pod-a1 on node-a: eth0 MTU 1400 with default route mtu 1450, expected 1450 (underlay eth0 1500 - 50 vxlan overhead of cilium_vxlan)']);
    expect(problems[0]).toMatch(xMtu1.negativeControls[0]!.expectFailure);
  });

  it('fails a VXLAN pod left at the underlay MTU', () => {
    expect(xMtu1.expect(obs(vxlanNode, 1500))[0]).toMatch(/eth0 MTU 1500, expected 1450/);
  });

  it('fails without an underlay or pods', () => {
    expect(xMtu1.expect({ nodes: [{ node: 'node-a', tunnels: [] }], pods: obs(plainNode, 1500).pods })[0]).toMatch(/underlay MTU is unknown/);
    expect(xMtu1.expect({ nodes: [plainNode], pods: [] })).toEqual(['no pods to check']);
  });

  const control = (name: RegExp) => xMtu1.negativeControls.find((c) => name.test(c.name))!;

  it('compares both ends of the veth: a smaller host end fails, naming both', () => {
    const o = obs(vxlanNode, 1450);
    o.pods[0]!.hostEnd = { iface: 'cali1234567890a', mtu: 1350 };
    const problems = xMtu1.expect(o);
    expect(problems).toEqual(['pod pod-a1 on node-a: veth ends differ: eth0 MTU 1450, host end cali1234567890a MTU 1350']);
    expect(problems[0]).toMatch(control(/host end/).expectFailure);
    o.pods[0]!.hostEnd = { iface: 'cali1234567890a', mtu: 1450 };
    expect(xMtu1.expect(o)).toEqual([]);
    expect(xMtu1.expect({ ...o, pods: [{ ...o.pods[0]!, hostEnd: undefined, hostEndMissing: { peerIndex: 9 } }] }))
      .toEqual(["pod pod-a1 on node-a: eth0's veth peer (ifindex 9) is not a link of node-a"]);
  });

  it('checks the encapsulation device Felix/flanneld size, not only the pods', () => {
    const node: NodeMtuView = { ...vxlanNode, tunnels: [{ name: 'vxlan.calico', kind: 'vxlan', overhead: 50, mtu: 1500 }] };
    expect(xMtu1.expect(obs(node, 1450))).toEqual(['node node-a: vxlan.calico MTU 1500, expected 1450 (underlay eth0 1500 - 50 vxlan overhead)']);
    expect(xMtu1.expect(obs({ ...node, tunnels: [{ name: 'cilium_vxlan', kind: 'vxlan', overhead: 50, mtu: 1500 }] }, 1450))).toEqual([]);
  });

  it('fails a path that does not carry a DF packet of the pod MTU, naming the pair and the size', () => {
    const o: MtuObservation = { ...obs(vxlanNode, 1450), paths: [{ from: 'pod-a1', to: 'pod-b1', toAddress: '10.244.0.74', mtu: 1450, sent: 3, received: 0, errors: [] }] };
    const problems = xMtu1.expect(o);
    expect(problems).toEqual(['pod-a1 -> pod-b1 (10.244.0.74): DF packet of the pod MTU (1450 bytes, ping -M do -s 1422): 0/3 received']);
    expect(problems[0]).toMatch(control(/silently drops/).expectFailure);
    o.paths![0]!.received = 3;
    expect(xMtu1.expect(o)).toEqual([]);
  });
});

describe('X-MTU-1 where the DF packet of the pod MTU died (a recorded calico-lab trace replayed)', () => {
  it('a host veth MTU below the pod MTU: the veth named with its MTU, traced at the pings\' size, after the line the control matches', async () => {
    const f = recording('calico-lab/host-veth-mtu');
    const cluster = replayCluster('calico-lab', [['pod-a1', 'node-a'], ['pod-b1', 'node-b']]);
    const lostDf: FullSizePath = { from: 'pod-a1', to: 'pod-b1', toAddress: '10.244.0.74', mtu: 1500, sent: 3, received: 0, errors: [] };
    const fine: FullSizePath = { ...lostDf, from: 'pod-b1', to: 'pod-a1', toAddress: '10.244.0.10', received: 3 };
    const asked: number[] = [];
    const replay = replayTracer([f]);
    const located = await locateLostDf(cluster, [lostDf, fine], {}, 3, (c, plan, requests) => { asked.push(...requests.map((q) => q.icmpPayload)); return replay(c, plan, requests); });
    expect(asked).toEqual([1472]);
    expect(located[0]!.at).toEqual(f.injectedAt[0]);
    const problems = xMtu1.expect({ ...obs(plainNode, 1500), paths: [lostDf, fine] });
    expect(problems).toEqual([
      'pod-a1 -> pod-b1 (10.244.0.74): DF packet of the pod MTU (1500 bytes, ping -M do -s 1472): 0/3 received',
      expect.stringMatching(/^pod-a1 -> pod-b1 full-size ICMP with DF: lost between eth0 on node-b and cali\S+ on node-b: 1 seen on eth0 on node-b, 0 on cali\S+ on node-b; cali\S+ on node-b has MTU 1300$/),
    ]);
    expect(problems.join('\n')).toMatch(xMtu1.negativeControls.find((c) => /DF packet/.test(c.expectFailure.source))!.expectFailure);
  });
});
