import { probeLinks, probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { deleteRoute } from '../breakages.ts';
import { defineBehaviour } from '../check.ts';
import type { Behaviour, Breakage } from '../types.ts';
import { cni, kernelModule } from '../requirements.ts';

export interface IpipNodeView {
  node: string;
  address?: string;
  tunl0?: { kind?: string; up: boolean };
  /** `blackhole <block> proto bird`: the node's own blocks. */
  own: string[];
  routes: Array<{ dst: string; via?: string; dev?: string; onlink: boolean }>;
}

/** K-IPIP-1: every remote block `via <node> dev tunl0 proto bird onlink`, own block a `proto bird` blackhole. */
export const kIpip1: Behaviour<IpipNodeView[]> = defineBehaviour<IpipNodeView[]>({
  id: 'K-IPIP-1',
  title: 'IPIP mode: /26 block routes via tunl0',
  docs: 'https://docs.tigera.io/calico/latest/networking/configuring/vxlan-ipip',
  requires: [cni('calico'), kernelModule('ipip')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const value = await Promise.all(cluster.nodes.map(async (node): Promise<IpipNodeView> => {
      const [links, routes] = await Promise.all([probeLinks(node, 'tunl0'), probeRoutes(node)]);
      raw.push([node.name, links], [node.name, routes]);
      const link = links.value.find((l) => l.name === 'tunl0');
      const bird = routes.value.filter((r) => r.proto === 'bird');
      return {
        node: node.name,
        ...(node.addresses[0] ? { address: node.addresses[0] } : {}),
        ...(link ? { tunl0: { ...(link.kind ? { kind: link.kind } : {}), up: link.flags.includes('UP') } } : {}),
        own: bird.filter((r) => r.type === 'blackhole').map((r) => r.dst),
        routes: bird.filter((r) => r.type === 'unicast').map((r) => ({ dst: r.dst, ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}), onlink: r.onlink })),
      };
    }));
    return { raw: rawOf(raw), value };
  },
  expect(nodes) {
    const problems: string[] = nodes.length < 2 ? [`need at least 2 nodes, got ${nodes.length}`] : [];
    for (const n of nodes) {
      if (n.tunl0?.kind !== 'ipip') problems.push(`node ${n.node}: no IPIP device tunl0${n.tunl0 ? ` (kind ${n.tunl0.kind ?? 'unknown'})` : ''}`);
      else if (!n.tunl0.up) problems.push(`node ${n.node}: tunl0 is down`);
      if (n.own.length === 0) problems.push(`node ${n.node}: no "blackhole <block> proto bird" for its own block`);
      for (const owner of nodes.filter((x) => x !== n)) {
        for (const block of owner.own) {
          const want = `${block} via ${owner.address ?? '?'} dev tunl0 proto bird onlink`;
          const r = n.routes.find((x) => x.dst === block);
          if (!r) problems.push(`node ${n.node}: no route to ${owner.node}'s block ${block}, expected ${want}`);
          else if (r.via !== owner.address || r.dev !== 'tunl0' || !r.onlink) {
            problems.push(`node ${n.node}: ${owner.node}'s block is "${block} via ${r.via ?? '(none)'} dev ${r.dev ?? '(none)'}${r.onlink ? ' onlink' : ''}", expected ${want}`);
          }
        }
      }
    }
    return problems;
  },
  negativeControls: [
    {
      name: 'tunl0 route to the second node\'s block deleted on the first node',
      expectFailure: /node \S+: no route to \S+'s block [\d./]+, expected [\d./]+ via [\d.]+ dev tunl0 proto bird onlink/,
      async apply(cluster): Promise<Breakage> {
        const [a, b] = (await kIpip1.probe(cluster)).value;
        const route = a && b ? a.routes.find((r) => b.own.includes(r.dst) && r.dev === 'tunl0') : undefined;
        if (!a || !route?.via) throw new Error('failed to break K-IPIP-1: the first node has no tunl0 route to the second node\'s block');
        return deleteRoute(cluster.node(a.node), [route.dst, 'via', route.via, 'dev', 'tunl0', 'proto', 'bird', 'onlink']);
      },
    },
  ],
});
