import { chainsWithPrefix, parseIptablesSave } from '../../helpers/parsers/iptables-save.ts';
import { unparsedEntry } from '../../helpers/probes/unparsed.ts';
import { defineBehaviour } from '../check.ts';
import { kubeOf, output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { systemPods } from '../../clusters/kind/system-pods.ts';
import { DOCS, agentStatuses } from './agents.ts';

export interface KprObservation {
  nodes: { node: string; kubeSvc: string[]; kubeSep: string[] }[];
  agents: { pod: string; kpr?: string }[];
  kubeProxyPods: string[];
}

/** KPR holds: no KUBE-SVC/KUBE-SEP chain on any node, every agent reports True (or 1.11-era Strict), no kube-proxy pod. */
export function expectKpr(v: KprObservation): string[] {
  const problems: string[] = [];
  for (const n of v.nodes) {
    if (n.kubeSvc.length + n.kubeSep.length > 0) {
      problems.push(`node ${n.node}: expected no KUBE-SVC-/KUBE-SEP- chains, found ${[...n.kubeSvc, ...n.kubeSep].slice(0, 5).join(', ')}${n.kubeSvc.length + n.kubeSep.length > 5 ? ', ...' : ''}; kube-proxy (or its stale rules) is still programming services`);
    }
  }
  for (const a of v.agents) {
    if (a.kpr !== 'True' && a.kpr !== 'Strict') problems.push(`agent ${a.pod}: KubeProxyReplacement is ${a.kpr ?? 'not reported'}, expected True; set kubeProxyReplacement: "true"`);
  }
  if (v.kubeProxyPods.length > 0) problems.push(`kube-proxy pods still running: ${v.kubeProxyPods.join(', ')}; create the kind cluster with kubeProxyMode: none`);
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export const cKpr1 = defineBehaviour<KprObservation>({
  id: 'C-KPR-1',
  title: 'kube-proxy replacement: no kube-proxy, no KUBE-SVC iptables rules',
  docs: DOCS.kpr,
  requires: [cni('cilium'), feature('kube-proxy-replacement', 'cilium-config kube-proxy-replacement=true: kubeProxyReplacement=true with kind kubeProxyMode none')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Record<string, string> = {};
    const nodes: KprObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const text = await output(`node ${node.name}`, (a) => node.exec(a), ['iptables-save']);
      const save = parseIptablesSave(text);
      Object.assign(raw, { [`${node.name}: iptables-save`]: text }, unparsedEntry(`${node.name}: iptables-save`, save.unparsed));
      nodes.push({ node: node.name, kubeSvc: chainsWithPrefix(save, 'KUBE-SVC-'), kubeSep: chainsWithPrefix(save, 'KUBE-SEP-') });
    }
    const statuses = await agentStatuses(cluster);
    Object.assign(raw, statuses.raw);
    const { namespace, selector } = systemPods.kubeProxy;
    const kubeProxyPods = (await kubeOf(cluster).pods(namespace, selector)).map((p) => p.name);
    return {
      raw,
      value: {
        nodes,
        agents: statuses.value.map((s) => ({ pod: s.pod, ...(s.status.kubeProxyReplacement ? { kpr: s.status.kubeProxyReplacement.mode } : {}) })),
        kubeProxyPods,
      },
    };
  },
  expect: expectKpr,
  negativeControls: [
    {
      name: 'a KUBE-SVC chain appears on one node',
      owner: {
        owner: 'nobody (no kube-proxy on a kube-proxy-replacement node)', reverts: 'never', breakage: 'adds',
        why: 'an empty nat chain on a node without kube-proxy; the Cilium agent does not manage KUBE-* chains while it runs',
      },
      async apply(cluster) {
        const node = cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node to break`);
        await output(`node ${node.name}`, (a) => node.exec(a), ['iptables', '-t', 'nat', '-N', 'KUBE-SVC-CONFORMANCE0000']);
        return {
          what: `nat chain KUBE-SVC-CONFORMANCE0000 on ${node.name}`,
          undo: async () => { await node.exec(['iptables', '-t', 'nat', '-X', 'KUBE-SVC-CONFORMANCE0000']); },
        };
      },
      expectFailure: /node \S+: expected no KUBE-SVC-\/KUBE-SEP- chains, found KUBE-SVC-CONFORMANCE0000/,
    },
  ],
});
