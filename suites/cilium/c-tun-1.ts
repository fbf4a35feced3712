import { parseIpLink } from '../../helpers/parsers/ip-link.ts';
import { defineBehaviour } from '../check.ts';
import { output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS, agentStatuses } from './agents.ts';

export interface TunnelObservation {
  nodes: { node: string; vxlan?: { up: boolean; dstport?: number } }[];
  agents: { pod: string; network?: string; tunnelProtocol?: string }[];
}

/** Reads `ip -d link show cilium_vxlan` (flags and dstport); undefined when the device is absent. */
export function readVxlanLink(text: string): TunnelObservation['nodes'][number]['vxlan'] {
  const link = parseIpLink(text).find((l) => l.name === 'cilium_vxlan');
  if (!link) return undefined;
  const port = link.vxlan?.dstport;
  return { up: link.flags.includes('UP'), ...(port !== undefined ? { dstport: port } : {}) };
}

export function expectVxlanTunnel(v: TunnelObservation): string[] {
  const problems: string[] = [];
  for (const n of v.nodes) {
    if (!n.vxlan) problems.push(`node ${n.node}: no cilium_vxlan device; set routingMode=tunnel, tunnelProtocol=vxlan`);
    else {
      if (!n.vxlan.up) problems.push(`node ${n.node}: cilium_vxlan is down`);
      if (n.vxlan.dstport !== 8472) problems.push(`node ${n.node}: cilium_vxlan dstport is ${n.vxlan.dstport ?? 'unknown'}, expected 8472`);
    }
  }
  for (const a of v.agents) {
    if (a.network !== 'Tunnel' || a.tunnelProtocol !== 'vxlan') problems.push(`agent ${a.pod}: routing is ${a.network ?? 'not reported'}${a.tunnelProtocol ? ` [${a.tunnelProtocol}]` : ''}, expected Tunnel [vxlan]`);
  }
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export const cTun1 = defineBehaviour<TunnelObservation>({
  id: 'C-TUN-1',
  title: 'VXLAN tunnel between nodes',
  docs: DOCS.routing,
  requires: [cni('cilium'), feature('vxlan', 'cilium-config routing-mode=tunnel, tunnel-protocol=vxlan')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Record<string, string> = {};
    const nodes: TunnelObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const r = await node.exec(['ip', '-d', 'link', 'show', 'cilium_vxlan']);
      raw[`${node.name}: ip -d link show cilium_vxlan`] = r.stdout + r.stderr;
      const vxlan = r.exitCode === 0 ? readVxlanLink(r.stdout) : undefined;
      nodes.push({ node: node.name, ...(vxlan ? { vxlan } : {}) });
    }
    const statuses = await agentStatuses(cluster);
    Object.assign(raw, statuses.raw);
    return { raw, value: { nodes, agents: statuses.value.map((a) => ({ pod: a.pod, ...a.status.routing })) } };
  },
  expect: expectVxlanTunnel,
  negativeControls: [
    {
      name: 'cilium_vxlan down on one node',
      async apply(cluster) {
        const node = cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node to break`);
        await output(`node ${node.name}`, (a) => node.exec(a), ['ip', 'link', 'set', 'cilium_vxlan', 'down']);
        return { what: `cilium_vxlan down on ${node.name}`, undo: async () => { await node.exec(['ip', 'link', 'set', 'cilium_vxlan', 'up']); } };
      },
      expectFailure: /cilium_vxlan is down/,
    },
  ],
});
