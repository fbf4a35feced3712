import { parseIptablesSave, rulesForService } from '../../helpers/parsers/iptables-save.ts';
import { defineBehaviour } from '../check.ts';
import { output } from '../kube-actions.ts';
import { feature } from '../requirements.ts';
import { DOCS } from './agents.ts';

/** The service every cluster has; its KUBE-SVC chains prove kube-proxy programs iptables. */
export const PROBE_SERVICE = 'kube-system/kube-dns';

export interface KubeProxyRulesObservation {
  service: string;
  nodes: { node: string; svcChains: string[] }[];
}

/** Negative twin of C-KPR-1: with kube-proxy, every node has KUBE-SVC chains for the service. */
export function expectKubeProxyRules(v: KubeProxyRulesObservation): string[] {
  const problems = v.nodes
    .filter((n) => n.svcChains.length === 0)
    .map((n) => `node ${n.node}: expected KUBE-SVC- chains for service ${v.service}, found none; is kube-proxy running in iptables mode?`);
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export function svcChainsOf(text: string, service: string): string[] {
  const targets = rulesForService(parseIptablesSave(text), service).map((r) => r.target ?? '');
  return [...new Set(targets.filter((t) => t.startsWith('KUBE-SVC-')))].sort();
}

export const cKpr2 = defineBehaviour<KubeProxyRulesObservation>({
  id: 'C-KPR-2',
  title: 'negative control: default kind with kube-proxy has KUBE-SVC rules',
  docs: DOCS.kpr,
  requires: [feature('kube-proxy', 'DaemonSet kube-system/kube-proxy: kind kubeProxyMode iptables')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Record<string, string> = {};
    const nodes: KubeProxyRulesObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const text = await output(`node ${node.name}`, (a) => node.exec(a), ['iptables-save', '-t', 'nat']);
      raw[`${node.name}: iptables-save -t nat`] = text;
      nodes.push({ node: node.name, svcChains: svcChainsOf(text, PROBE_SERVICE) });
    }
    return { raw, value: { service: PROBE_SERVICE, nodes } };
  },
  expect: expectKubeProxyRules,
  negativeControls: [
    {
      // kube-proxy rewrites the chain at its next sync (about 30 s); the probe runs before that.
      name: 'KUBE-SERVICES flushed on one node',
      async apply(cluster) {
        const node = cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node to break`);
        await output(`node ${node.name}`, (a) => node.exec(a), ['iptables', '-t', 'nat', '-F', 'KUBE-SERVICES']);
        return { what: `nat KUBE-SERVICES flushed on ${node.name}`, undo: async () => {} };
      },
      expectFailure: /expected KUBE-SVC- chains for service kube-system\/kube-dns, found none/,
    },
  ],
});
