import type { Capabilities, ClusterHandle, Executor } from '../../clusters/types.ts';
import { pollUntilDone } from './poll.ts';
import { iptablesRule, named, type Fault, type Named } from './traffic-faults.ts';
import type { PodPair } from './workload.ts';

/** Label keys a Cilium pair-deny puts on the two pods, so that one policy selects exactly that pair. */
export const DENY_LABEL = { source: 'cni-conformance/x-pod-1-deny-source', target: 'cni-conformance/x-pod-1-deny-target' } as const;
export const DENY_POLICY = 'cni-conformance-x-pod-1-deny';

/** How all traffic from one pod to another is cut, per datapath: the breakage that datapath honours. */
export type PairDenyPlan =
  | { kind: 'blackhole'; node: string; route: string; why: string }
  | { kind: 'cilium-policy'; namespace: string; labels: Array<{ pod: string; key: string }>; manifest: Record<string, unknown>; why: string }
  | { kind: 'pod-netfilter'; pod: string; spec: string[]; why: string };

/**
 * Chooses the pair breakage a datapath honours.
 * - Cilium: bpf_lxc forwards a pod's packets itself, with the ipcache's tunnel endpoint in tunnel mode and
 *   without consulting the node's FIB (bpf/bpf_lxc.c, handle_ipv4_from_lxc; cilium v1.20.0 could not be fetched
 *   here, read at a post-1.18 main commit), so a node route cannot break it. A CiliumNetworkPolicy with
 *   ingressDeny does: deny rules win over allow rules. Only deny rules would make ingress default-deny for the
 *   target ("If not specified, the default is true for each traffic direction that has rules",
 *   pkg/policy/api/rule.go EnableDefaultDeny), so enableDefaultDeny is set false: only the pair is cut.
 *   Identity labels come from pod labels and pod names are not among them, so both pods get a label.
 * - Calico/VPP: VPP forwards pod traffic in user space; the pod's eth0 is a tun that VPP's TapV2 puts in the
 *   pod's netns (calico-vpp-agent/cni/podinterface/tuntap.go@v3.32.0 CreateInterface: HostNamespace =
 *   podSpec.NetnsName, TapFlagTun), so the packet enters the target pod's kernel stack, whose INPUT hook drops it.
 * - The lab, Calico's Linux dataplane and flannel route pods through the node's FIB: a /32 blackhole on the
 *   source's node outranks the CNI's block route, and BIRD/flanneld leave a route they do not own alone.
 */
export function pairDenyPlan(capabilities: Capabilities, pair: { from: Named & { namespace: string }; to: Named & { namespace: string } }): PairDenyPlan {
  if (capabilities.cni === 'cilium') {
    return {
      kind: 'cilium-policy',
      namespace: pair.to.namespace,
      labels: [{ pod: pair.from.name, key: DENY_LABEL.source }, { pod: pair.to.name, key: DENY_LABEL.target }],
      manifest: {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name: DENY_POLICY, namespace: pair.to.namespace, labels: { 'app.kubernetes.io/part-of': 'cni-conformance' } },
        spec: {
          endpointSelector: { matchLabels: { [DENY_LABEL.target]: 'true' } },
          ingressDeny: [{ fromEndpoints: [{ matchLabels: { [DENY_LABEL.source]: 'true' } }] }],
          enableDefaultDeny: { ingress: false, egress: false },
        },
      },
      why: 'Cilium forwards pods through BPF without the node FIB; a CiliumNetworkPolicy ingressDeny is enforced by bpf_lxc itself',
    };
  }
  if (capabilities.features.includes('vpp')) {
    return {
      kind: 'pod-netfilter', pod: pair.to.name, spec: ['-s', `${pair.from.address}/32`, '-j', 'DROP'],
      why: 'VPP forwards pods in user space; it delivers into the target pod\'s netns through a tun, whose INPUT hook drops',
    };
  }
  return {
    kind: 'blackhole', node: pair.from.node, route: `${pair.to.address}/32`,
    why: `${capabilities.provider === 'lab' ? 'the lab' : capabilities.cni} routes pods through the node's FIB, where a /32 blackhole outranks the block route`,
  };
}

/** How long a control waits for a datapath (agent, policy) to show the cut or its removal. */
const CONVERGE_MS = 60_000;

/** Cuts all traffic from `pair.from` to `pair.to` the way the cluster's datapath honours, waiting until it is in force. */
export async function applyPairDeny(cluster: ClusterHandle, pair: PodPair): Promise<Fault> {
  const plan = pairDenyPlan(cluster.capabilities, {
    from: { ...named(pair.from), namespace: pair.from.namespace }, to: { ...named(pair.to), namespace: pair.to.namespace },
  });
  const target = pair.to.addresses[0] ?? '';
  if (plan.kind === 'blackhole') {
    const node = cluster.node(plan.node);
    await must(node, `node ${node.name}`, ['ip', 'route', 'add', 'blackhole', plan.route]);
    return {
      what: `route "blackhole ${plan.route}" added on ${node.name} (${plan.why})`,
      async undo() {
        await must(node, `node ${node.name}`, ['ip', 'route', 'del', 'blackhole', plan.route]);
      },
    };
  }
  if (plan.kind === 'pod-netfilter') {
    const fault = await iptablesRule(cluster.pod(plan.pod), `pod ${plan.pod}`, { table: 'filter', chain: 'INPUT', spec: plan.spec });
    return { what: `${fault.what} (${plan.why})`, undo: fault.undo };
  }
  const kube = cluster.kube;
  if (!kube) throw new Error(`failed to break X-POD-1 on ${cluster.name}: a Cilium pair deny needs the Kubernetes API (cluster.kube)`);
  const label = (suffix: string) => Promise.all(plan.labels.map((l) => must({ exec: (a) => kube.run(a) }, `cluster ${cluster.name}`,
    ['kubectl', '-n', plan.namespace, 'label', 'pod', l.pod, `${l.key}${suffix}`, '--overwrite'])));
  const manifest = JSON.stringify(plan.manifest);
  await label('=true');
  await kube.apply(manifest);
  const pair1 = `${pair.from.name} -> ${pair.to.name} (${target})`;
  await pollUntilDone(`CiliumNetworkPolicy ${DENY_POLICY} in force: one ping ${pair1} unanswered`,
    async () => ((await onePing(pair.from, target)) ? [`ping ${pair1} still answered`] : []), CONVERGE_MS, 500);
  return {
    what: `CiliumNetworkPolicy ${plan.namespace}/${DENY_POLICY} denying ${pair1} (${plan.why})`,
    async undo() {
      await kube.delete(manifest);
      await label('-');
      await pollUntilDone(`CiliumNetworkPolicy ${DENY_POLICY} removed: ping ${pair1} answered again`,
        async () => ((await onePing(pair.from, target)) ? [] : [`ping ${pair1} unanswered`]), CONVERGE_MS, 500);
    },
  };
}

async function onePing(from: Executor, target: string): Promise<boolean> {
  return (await from.exec(['ping', '-n', '-c', '1', '-W', '1', target])).exitCode === 0;
}

async function must(on: Executor, where: string, argv: string[]): Promise<string> {
  const r = await on.exec(argv);
  if (r.exitCode !== 0) throw new Error(`${where}: "${argv.join(' ')}" exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  return r.stdout;
}
