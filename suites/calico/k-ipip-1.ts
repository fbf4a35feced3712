import type { ClusterHandle } from '../../clusters/types.ts';
import { parseIpLink } from '../../helpers/parsers/ip-link.ts';
import { parseIpRoute } from '../../helpers/parsers/ip-route.ts';
import { probeLinks, probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { blackholeRoute } from '../breakages.ts';
import { defineBehaviour } from '../check.ts';
import type { Behaviour, Breakage, Observation, ProbeOptions } from '../types.ts';
import { cni, kernelModule } from '../requirements.ts';
import { captureSubtests, captureUnderlay, pathProblems, probePathLookups, underlayInterface, underlayProblems, type PathLookup, type UnderlayCapture } from '../pod-path.ts';

import { IPIP_OVERHEAD } from '../../clusters/lab/datapaths/calico-ipip.ts';

export interface IpipNodeView {
  node: string;
  address?: string;
  tunl0?: { kind?: string; up: boolean; mtu?: number };
  /** MTU of the interface holding the node's address. */
  uplinkMtu?: number;
  /** `blackhole <block> proto bird`: the node's own blocks. */
  own: string[];
  routes: Array<{ dst: string; via?: string; dev?: string; onlink: boolean }>;
}

export interface IpipObservation { nodes: IpipNodeView[]; lookups: PathLookup[]; captures: UnderlayCapture[]; pods: string[] }

/** A node's IPIP state from `ip -d link show` and `ip -4 route show` text (kind from the -d line, or the link/ipip type). */
export function ipipViewOf(node: string, address: string | undefined, linksText: string, routesText: string, uplink?: string): IpipNodeView {
  const links = parseIpLink(linksText);
  const link = links.find((l) => l.name === 'tunl0');
  const kind = link?.kind ?? (link?.linkType === 'ipip' ? 'ipip' : undefined);
  const up = links.find((l) => l.name === uplink);
  const bird = parseIpRoute(routesText).filter((r) => r.proto === 'bird');
  return {
    node,
    ...(address ? { address } : {}),
    ...(link ? { tunl0: { ...(kind ? { kind } : {}), up: link.flags.includes('UP'), ...(link.mtu !== undefined ? { mtu: link.mtu } : {}) } } : {}),
    ...(up?.mtu !== undefined ? { uplinkMtu: up.mtu } : {}),
    own: bird.filter((r) => r.type === 'blackhole').map((r) => r.dst),
    routes: bird.filter((r) => r.type === 'unicast').map((r) => ({ dst: r.dst, ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}), onlink: r.onlink })),
  };
}

async function probeNodes(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: IpipNodeView[] }> {
  const raw: Array<[string, Probed<unknown>]> = [];
  const value = await Promise.all(cluster.nodes.map(async (node): Promise<IpipNodeView> => {
    const [links, routes, uplink] = await Promise.all([probeLinks(node), probeRoutes(node), underlayInterface(node)]);
    raw.push([node.name, links], [node.name, routes]);
    return ipipViewOf(node.name, node.addresses[0], links.raw, routes.raw, uplink);
  }));
  return { raw: rawOf(raw), value };
}

async function probe(cluster: ClusterHandle, options?: ProbeOptions): Promise<Observation<IpipObservation>> {
  const nodes = await probeNodes(cluster);
  const lookups = await probePathLookups(cluster);
  const captures = await captureUnderlay(cluster, underlayInterface, undefined, options);
  return {
    raw: { ...nodes.raw, ...lookups.raw, ...captures.raw }, value: { nodes: nodes.value, lookups: lookups.value, captures: captures.value, pods: cluster.pods.flatMap((p) => p.addresses) },
    subtests: captureSubtests(captures.value), ...(captures.located ? { located: captures.located } : {}),
  };
}

export function expectIpip(v: IpipObservation): string[] {
  const nodes = v.nodes;
  const problems: string[] = nodes.length < 2 ? [`need at least 2 nodes, got ${nodes.length}`] : [];
  for (const n of nodes) {
    if (n.tunl0?.kind !== 'ipip') problems.push(`node ${n.node}: no IPIP device tunl0${n.tunl0 ? ` (kind ${n.tunl0.kind ?? 'unknown'})` : ''}`);
    else if (!n.tunl0.up) problems.push(`node ${n.node}: tunl0 is down`);
    if (n.tunl0?.mtu !== undefined && n.uplinkMtu !== undefined && n.tunl0.mtu > n.uplinkMtu - IPIP_OVERHEAD) {
      problems.push(`node ${n.node}: tunl0 MTU ${n.tunl0.mtu}, expected at most ${n.uplinkMtu - IPIP_OVERHEAD} (uplink MTU ${n.uplinkMtu} minus the ${IPIP_OVERHEAD}-byte outer header)`);
    }
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
  const want = (l: PathLookup) => {
    const to = nodes.find((n) => n.node === l.toNode)?.address;
    return to ? { dev: 'tunl0', via: to, onlink: true } : undefined;
  };
  return [...problems, ...pathProblems(v.lookups, want), ...underlayProblems(v.captures, v.pods, { kind: 'ipip' })];
}

/** K-IPIP-1: every remote block `via <node> dev tunl0 proto bird onlink`, own block a `proto bird` blackhole; the kernel sends remote pods into tunl0 and the wire carries IPIP. */
export const kIpip1: Behaviour<IpipObservation> = defineBehaviour<IpipObservation>({
  id: 'K-IPIP-1',
  title: 'IPIP mode: /26 block routes via tunl0',
  docs: 'https://docs.tigera.io/calico/latest/networking/configuring/vxlan-ipip',
  requires: [cni('calico'), kernelModule('ipip')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe,
  expect: expectIpip,
  negativeControls: [
    {
      // Not a deleted route: BIRD puts a missing one back within its kernel scan (2 s), racing the check. A blackhole of
      // the same prefix (proto boot, metric 0) takes the route's place; BIRD's scan learns it as an alien route, finds its
      // own route gone and re-adds it with NLM_F_CREATE|NLM_F_EXCL, which the kernel refuses (EEXIST) while the blackhole
      // stands (projectcalico/bird sysdep/unix/krt.c@v0.3.3-208-g1e2ff99d krt_prune "reinstalling", sysdep/linux/netlink.c
      // NL_OP_ADD and krt_replace_rte: delete only an old route BIRD saw as its own, then add).
      name: 'tunl0 route to the second node\'s block replaced by a blackhole on the first node',
      expectFailure: /node \S+: no route to \S+'s block [\d./]+, expected [\d./]+ via [\d.]+ dev tunl0 proto bird onlink/,
      owner: {
        owner: 'BIRD (calico-node)', reverts: 'periodically', everySeconds: 2, breakage: 'shadows',
        why: 'confd/etc/calico/confd/templates/bird.cfg.template@v3.31.0:93-98 "protocol kernel { learn; scan time 2; import all }": each scan '
          + 're-adds a missing proto bird route (projectcalico/bird sysdep/unix/krt.c@v0.3.3-208-g1e2ff99d krt_prune KRF_CREATE "reinstalling") '
          + 'with NL_OP_ADD = NLM_F_CREATE|NLM_F_EXCL (sysdep/linux/netlink.c), which meets the blackhole of the same prefix: EEXIST, KRF_SYNC_ERROR, the blackhole stays',
        unverified: 'the BIRD read is projectcalico/bird master (v0.3.3-208), not the exact commit calico/node v3.31.0 builds (v0.3.3-211-g9111ec3c, metadata.mk@v3.31.0 BIRD_VERSION; the stored bird snapshot lacks that commit)',
      },
      async apply(cluster): Promise<Breakage> {
        const [a, b] = (await probeNodes(cluster)).value;
        const route = a && b ? a.routes.find((r) => b.own.includes(r.dst) && r.dev === 'tunl0') : undefined;
        if (!a || !route?.via) throw new Error('failed to break K-IPIP-1: the first node has no tunl0 route to the second node\'s block');
        return blackholeRoute(cluster.node(a.node), route.dst, ['via', route.via, 'dev', 'tunl0', 'proto', 'bird', 'onlink']);
      },
    },
  ],
});
