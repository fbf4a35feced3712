import { parseIpRoute } from '../../helpers/parsers/ip-route.ts';
import { defineBehaviour } from '../check.ts';
import { output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS } from './agents.ts';

export interface NativeRoutingObservation {
  nodes: { node: string; address?: string; hasVxlan: boolean; routes: { cidr: string; via: string; dev: string }[] }[];
}

/** Routes `<cidr> via <ip> dev <dev>` from `ip -4 route`. */
export function readViaRoutes(text: string): NativeRoutingObservation['nodes'][number]['routes'] {
  return parseIpRoute(text)
    .filter((r) => r.type === 'unicast' && r.dst.includes('/') && r.via && r.dev)
    .map((r) => ({ cidr: r.dst, via: r.via!, dev: r.dev! }));
}

/** autoDirectNodeRoutes: no cilium_vxlan, and a route via each other node's address on eth0. */
export function expectNativeRouting(v: NativeRoutingObservation): string[] {
  const problems: string[] = [];
  for (const n of v.nodes) {
    if (n.hasVxlan) problems.push(`node ${n.node}: cilium_vxlan exists, expected native routing without encapsulation`);
    for (const peer of v.nodes) {
      if (peer === n || !peer.address) continue;
      if (!n.routes.some((r) => r.via === peer.address && r.dev === 'eth0')) {
        problems.push(`node ${n.node}: no pod CIDR route via ${peer.address} dev eth0 (node ${peer.node}); set autoDirectNodeRoutes=true`);
      }
    }
  }
  if (v.nodes.length < 2) problems.push(`need at least 2 nodes to observe node routes, got ${v.nodes.length}`);
  return problems;
}

export const cNat1 = defineBehaviour<NativeRoutingObservation>({
  id: 'C-NAT-1',
  title: 'native routing with autoDirectNodeRoutes',
  docs: DOCS.routing,
  requires: [cni('cilium'), feature('native-routing', 'cilium-config routing-mode=native'), feature('auto-direct-node-routes', 'cilium-config auto-direct-node-routes=true')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Record<string, string> = {};
    const nodes: NativeRoutingObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const routes = await output(`node ${node.name}`, (a) => node.exec(a), ['ip', '-4', 'route']);
      const link = await node.exec(['ip', 'link', 'show', 'cilium_vxlan']);
      raw[`${node.name}: ip -4 route`] = routes;
      const address = node.addresses[0];
      nodes.push({ node: node.name, ...(address ? { address } : {}), hasVxlan: link.exitCode === 0, routes: readViaRoutes(routes) });
    }
    return { raw, value: { nodes } };
  },
  expect: expectNativeRouting,
  negativeControls: [
    {
      name: 'one direct node route removed',
      owner: {
        owner: 'cilium-agent (auto-direct-node-routes)', reverts: 'on-event', breakage: 'removes',
        why: 'the agent installs a direct route with RouteReplace when a node is added or changes (pkg/datapath/linux/node.go@005d3ed updateDirectRoutes, as stored)',
        unverified: 'read at an older stored commit, not v1.20.0 (the cilium snapshot is too large to fetch here): a later route reconciler would put the route back within the check',
      },
      async apply(cluster) {
        const [node, peer] = cluster.nodes;
        if (!node || !peer?.addresses[0]) throw new Error(`cluster "${cluster.name}": need two nodes with addresses`);
        const routes = readViaRoutes(await output(`node ${node.name}`, (a) => node.exec(a), ['ip', '-4', 'route']));
        const route = routes.find((r) => r.via === peer.addresses[0] && r.dev === 'eth0');
        if (!route) throw new Error(`node ${node.name}: no route via ${peer.addresses[0]} to remove`);
        await output(`node ${node.name}`, (a) => node.exec(a), ['ip', 'route', 'del', route.cidr]);
        return { what: `route ${route.cidr} via ${route.via} removed on ${node.name}`, undo: async () => { await node.exec(['ip', 'route', 'add', route.cidr, 'via', route.via, 'dev', 'eth0']); } };
      },
      expectFailure: /no pod CIDR route via \S+ dev eth0/,
    },
  ],
});
