import { describe, expect, it } from 'vitest';
import type { Capabilities, ClusterHandle } from '../../clusters/types.ts';
import { applyPairDeny, pairDenyPlan } from './traffic-pair-deny.ts';
import type { PodPair } from './workload.ts';
import { trafficFaultPlan } from './traffic-faults.ts';

const caps = (over: Partial<Capabilities>): Capabilities => ({ provider: 'kind', cni: 'calico', features: [], kernel: { ipip: true, vxlan: true }, versions: {}, ...over });
const pair = {
  from: { name: 'probe-abc', node: 'kind-worker', address: '10.244.1.5', namespace: 'cni-conformance' },
  to: { name: 'probe-def', node: 'kind-worker2', address: '10.244.2.7', namespace: 'cni-conformance' },
};

describe('X-POD-1 pair deny per datapath (issue 11 item 8)', () => {
  it('Cilium: a CiliumNetworkPolicy ingressDeny selecting exactly the labelled pair, without default-deny for the rest', () => {
    const plan = pairDenyPlan(caps({ cni: 'cilium', features: ['vxlan'] }), pair);
    expect(plan).toMatchObject({
      kind: 'cilium-policy', namespace: 'cni-conformance',
      labels: [{ pod: 'probe-abc', key: 'cni-conformance/x-pod-1-deny-source' }, { pod: 'probe-def', key: 'cni-conformance/x-pod-1-deny-target' }],
    });
    if (plan.kind !== 'cilium-policy') throw new Error('unreachable');
    expect(plan.manifest).toEqual({
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy',
      metadata: { name: 'cni-conformance-x-pod-1-deny', namespace: 'cni-conformance', labels: { 'app.kubernetes.io/part-of': 'cni-conformance' } },
      spec: {
        endpointSelector: { matchLabels: { 'cni-conformance/x-pod-1-deny-target': 'true' } },
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'cni-conformance/x-pod-1-deny-source': 'true' } }] }],
        enableDefaultDeny: { ingress: false, egress: false },
      },
    });
  });

  it('Calico/VPP: a DROP for the source in the target pod\'s own INPUT chain, not a node route VPP never reads', () => {
    expect(pairDenyPlan(caps({ features: ['vpp', 'calico-ipam'] }), pair)).toMatchObject({ kind: 'pod-netfilter', pod: 'probe-def', spec: ['-s', '10.244.1.5/32', '-j', 'DROP'] });
  });

  it('FIB datapaths keep the /32 blackhole on the source node: lab, Calico Linux dataplane, flannel', () => {
    for (const c of [caps({ provider: 'lab' }), caps({ features: ['bgp-mesh', 'calico-gateway'] }), caps({ cni: 'flannel', features: ['vxlan'] })]) {
      expect(pairDenyPlan(c, pair)).toMatchObject({ kind: 'blackhole', node: 'kind-worker', route: '10.244.2.7/32' });
    }
  });
});

describe('traffic faults: where each is injected', () => {
  it('lab: on the forwarding node\'s FORWARD hook', () => {
    expect(trafficFaultPlan(caps({ provider: 'lab' }), pair, { kind: 'drop-tcp' })).toMatchObject({
      on: { node: 'kind-worker' }, rule: { table: 'filter', chain: 'FORWARD', spec: ['-d', '10.244.2.7/32', '-p', 'tcp', '--dport', '8080', '-j', 'DROP'] },
    });
    expect(trafficFaultPlan(caps({ provider: 'lab' }), pair, { kind: 'drop-all-to', sources: ['10.244.1.5'] })).toMatchObject({ on: { node: 'kind-worker2' }, rule: { spec: ['-d', '10.244.2.7/32', '-j', 'DROP'] } });
  });

  it('kind (any CNI): in the target pod\'s INPUT chain, which Cilium BPF, VPP and Felix all deliver through', () => {
    for (const cni of ['cilium', 'calico', 'flannel'] as const) {
      expect(trafficFaultPlan(caps({ cni }), pair, { kind: 'loss', probability: 0.5 })).toMatchObject({
        on: { pod: 'probe-def' }, rule: { chain: 'INPUT', spec: ['-s', '10.244.1.5/32', '-m', 'statistic', '--mode', 'random', '--probability', '0.5', '-j', 'DROP'] },
      });
    }
    expect(trafficFaultPlan(caps({}), pair, { kind: 'drop-above', bytes: 1400 }).rule.spec).toEqual(['-s', '10.244.1.5/32', '-m', 'length', '--length', '1401:65535', '-j', 'DROP']);
    // Only the other pods: kubelet's readiness probe from the node must still reach the pod, or it leaves cluster.pods.
    expect(trafficFaultPlan(caps({}), pair, { kind: 'drop-all-to', sources: ['10.244.1.5', '10.244.3.9'] }).rule.spec).toEqual(['-s', '10.244.1.5/32,10.244.3.9/32', '-j', 'DROP']);
    expect(trafficFaultPlan(caps({}), pair, { kind: 'drop-udp' }).rule.spec).toEqual(['-s', '10.244.1.5/32', '-p', 'udp', '--dport', '8081', '-j', 'DROP']);
  });
});

describe('X-POD-1 pair deny on a live cluster (fakes of the Kubernetes client and the pods)', () => {
  const fakeCluster = (capabilities: Capabilities, pingAnswers: boolean[]) => {
    const calls: string[] = [];
    const exec = (who: string) => async (argv: string[]) => {
      calls.push(`${who}: ${argv.join(' ')}`);
      const answered = argv[0] === 'ping' ? pingAnswers.shift() ?? true : true;
      return { stdout: '', stderr: '', exitCode: answered ? 0 : 1 };
    };
    const pod = (name: string, node: string, address: string) => ({ name, node, namespace: 'cni-conformance', addresses: [address], labels: {}, exec: exec(name) });
    const from = pod('probe-abc', 'kind-worker', '10.244.1.5');
    const to = pod('probe-def', 'kind-worker2', '10.244.2.7');
    const cluster = {
      name: 'c1', capabilities, pods: [from, to],
      node: (n: string) => ({ name: n, role: 'worker', addresses: [], exec: exec(n) }),
      pod: (n: string) => [from, to].find((p) => p.name === n)!,
      kube: {
        run: async (argv: string[]) => { calls.push(`kube: ${argv.join(' ')}`); return { stdout: '', stderr: '', exitCode: 0 }; },
        apply: async (m: string) => { calls.push(`kube apply: ${JSON.parse(m).kind}`); },
        delete: async (m: string) => { calls.push(`kube delete: ${JSON.parse(m).kind}`); },
      },
    } as unknown as ClusterHandle;
    return { cluster, calls, pair: { from, to, sameNode: false } as unknown as PodPair };
  };

  it('Cilium: labels the pair, applies the policy, waits until a ping is unanswered; the undo waits until it is answered again', async () => {
    const { cluster, calls, pair } = fakeCluster(caps({ cni: 'cilium' }), [true, false, false, true]);
    const fault = await applyPairDeny(cluster, pair);
    expect(fault.what).toMatch(/^CiliumNetworkPolicy cni-conformance\/cni-conformance-x-pod-1-deny denying probe-abc -> probe-def \(10\.244\.2\.7\)/);
    expect(calls).toEqual([
      'kube: kubectl -n cni-conformance label pod probe-abc cni-conformance/x-pod-1-deny-source=true --overwrite',
      'kube: kubectl -n cni-conformance label pod probe-def cni-conformance/x-pod-1-deny-target=true --overwrite',
      'kube apply: CiliumNetworkPolicy',
      'probe-abc: ping -n -c 1 -W 1 10.244.2.7',
      'probe-abc: ping -n -c 1 -W 1 10.244.2.7',
    ]);
    calls.length = 0;
    await fault.undo();
    expect(calls).toEqual([
      'kube delete: CiliumNetworkPolicy',
      'kube: kubectl -n cni-conformance label pod probe-abc cni-conformance/x-pod-1-deny-source- --overwrite',
      'kube: kubectl -n cni-conformance label pod probe-def cni-conformance/x-pod-1-deny-target- --overwrite',
      'probe-abc: ping -n -c 1 -W 1 10.244.2.7',
      'probe-abc: ping -n -c 1 -W 1 10.244.2.7',
    ]);
  });

  it('VPP: a DROP in the target pod checked in force with -C; the lab/FIB: a blackhole on the source node', async () => {
    const vpp = fakeCluster(caps({ features: ['vpp'] }), []);
    const fault = await applyPairDeny(vpp.cluster, vpp.pair);
    expect(vpp.calls).toEqual([
      'probe-def: iptables -t filter -I INPUT 1 -s 10.244.1.5/32 -j DROP',
      'probe-def: iptables -t filter -C INPUT -s 10.244.1.5/32 -j DROP',
    ]);
    expect(fault.what).toMatch(/VPP forwards pods in user space/);
    const fib = fakeCluster(caps({ cni: 'flannel' }), []);
    const hole = await applyPairDeny(fib.cluster, fib.pair);
    await hole.undo();
    expect(fib.calls).toEqual(['kind-worker: ip route add blackhole 10.244.2.7/32', 'kind-worker: ip route del blackhole 10.244.2.7/32']);
  });
});
