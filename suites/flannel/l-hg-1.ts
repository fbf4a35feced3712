import { probeAddresses, probeLinks, probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { blackholeRoute } from '../breakages.ts';
import { defineBehaviour } from '../check.ts';
import type { Behaviour, Breakage } from '../types.ts';
import { cni } from '../requirements.ts';
import { FLANNEL_DOCS, probeSubnetEnv, SUBNET_ENV } from './subnets.ts';

export interface HostGwNodeView {
  node: string;
  address?: string;
  /** The interface holding the node's address: host-gw routes leave through it. */
  uplink?: string;
  subnets: string[];
  routes: Array<{ dst: string; via?: string; dev?: string }>;
  /** Encapsulation devices present (host-gw runs none). */
  tunnels: string[];
}

/** L-HG-1: each remote node's /24 routed `via <nodeIP> dev <uplink>`, no encapsulation device. */
export const lHg1: Behaviour<HostGwNodeView[]> = defineBehaviour<HostGwNodeView[]>({
  id: 'L-HG-1',
  title: 'flannel host-gw backend',
  docs: FLANNEL_DOCS,
  requires: [cni('flannel')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const value = await Promise.all(cluster.nodes.map(async (node): Promise<HostGwNodeView> => {
      const [links, addrs, routes, lease] = await Promise.all([probeLinks(node), probeAddresses(node), probeRoutes(node), probeSubnetEnv(node)]);
      raw.push([node.name, links], [node.name, addrs], [node.name, routes], ...lease.raw);
      const uplink = addrs.value.find((a) => node.addresses.includes(a.address))?.iface;
      return {
        node: node.name,
        ...(node.addresses[0] ? { address: node.addresses[0] } : {}),
        ...(uplink ? { uplink } : {}),
        subnets: lease.subnets,
        routes: routes.value.filter((r) => r.type === 'unicast').map((r) => ({ dst: r.dst, ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}) })),
        tunnels: links.value.filter((l) => l.kind === 'vxlan' || l.kind === 'ipip' || l.kind === 'geneve').map((l) => `${l.name} (${l.kind})`),
      };
    }));
    return { raw: rawOf(raw), value };
  },
  expect(nodes) {
    const problems: string[] = nodes.length < 2 ? [`need at least 2 nodes, got ${nodes.length}`] : [];
    for (const n of nodes) {
      if (n.subnets.length === 0) problems.push(`node ${n.node}: no FLANNEL_SUBNET in ${SUBNET_ENV}`);
      if (n.tunnels.length > 0) problems.push(`node ${n.node}: encapsulation device ${n.tunnels.join(', ')} present, expected none with host-gw`);
      for (const owner of nodes.filter((x) => x !== n)) {
        for (const subnet of owner.subnets) {
          const want = `via ${owner.address ?? '?'} dev ${n.uplink ?? '(uplink)'}`;
          const r = n.routes.find((x) => x.dst === subnet);
          if (!r) problems.push(`node ${n.node}: no route to ${owner.node}'s subnet ${subnet}, expected ${subnet} ${want}`);
          else if (r.via !== owner.address || r.dev !== n.uplink) problems.push(`node ${n.node}: ${owner.node}'s subnet ${subnet} routed via ${r.via ?? '(none)'} dev ${r.dev ?? '(none)'}, expected ${want}`);
        }
      }
    }
    return problems;
  },
  negativeControls: [
    {
      // Not a deleted route: on kind flanneld puts a missing one back within 10 s, racing the check (blackholeRoute).
      name: 'route to the second node\'s subnet replaced by a blackhole on the first node',
      expectFailure: /node \S+: no route to \S+'s subnet [\d./]+, expected [\d./]+ via [\d.]+ dev \S+/,
      async apply(cluster): Promise<Breakage> {
        const [a, b] = (await lHg1.probe(cluster)).value;
        const route = a && b ? a.routes.find((r) => b.subnets.includes(r.dst)) : undefined;
        if (!a || !route?.via || !route.dev) throw new Error('failed to break L-HG-1: the first node has no route to the second node\'s subnet');
        return blackholeRoute(cluster.node(a.node), route.dst, ['via', route.via, 'dev', route.dev]);
      },
    },
  ],
});
