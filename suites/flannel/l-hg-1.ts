import type { ClusterHandle } from '../../clusters/types.ts';
import type { Link } from '../../helpers/parsers/ip-link.ts';
import { probeAddresses, probeLinks, probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { readBatch } from '../../helpers/probes/read-batch.ts';
import { blackholeRoute } from '../breakages.ts';
import { defineBehaviour } from '../check.ts';
import type { Behaviour, Breakage, Observation, ProbeOptions } from '../types.ts';
import { cni } from '../requirements.ts';
import { captureSubtests, captureUnderlay, lookupOnce, nodeChange, pathProblems, probePathLookups, underlayInterface, underlayProblems, type PathLookup, type UnderlayCapture } from '../pod-path.ts';
import { isActiveEncap } from '../cross/x-mtu-1.ts';
import { FLANNEL_DOCS, probeSubnetEnv, SUBNET_ENV, SUBNET_ENV_READ } from './subnets.ts';

export interface HostGwNodeView {
  node: string;
  address?: string;
  /** The interface holding the node's address: host-gw routes leave through it (pkg/backend/hostgw/hostgw.go@v0.28.9 RegisterNetwork: LinkIndex of the external interface, whose address New requires to be the public IP). */
  uplink?: string;
  subnets: string[];
  routes: Array<{ dst: string; via?: string; dev?: string }>;
  /** Encapsulation devices up (host-gw creates none: pkg/backend/hostgw/hostgw.go@v0.28.9 RegisterNetwork only sets up routes). */
  tunnels: string[];
}

/** The static routes, the kernel's forwarding lookup per remote pod (rules, every table, ip_forward) and pings between them. */
export interface HostGwObservation { nodes: HostGwNodeView[]; lookups: PathLookup[]; captures: UnderlayCapture[]; pods: string[] }

/**
 * Encapsulation devices that are up, as "name (kind)". A DOWN one carries nothing: loading the ipip module (anything
 * on the host may, kind nodes share its kernel) creates a DOWN fallback tunl0 in every network namespace (Linux
 * net/ipv4/ip_tunnel.c ip_tunnel_init_net with sysctl net.core.fb_tunnels_only_for_init_net = 0, the default), as X-MTU-1 knows.
 */
export function encapsulationDevices(links: Link[]): string[] {
  return links.filter(isActiveEncap).map((l) => `${l.name} (${l.kind})`);
}

async function probeNodes(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: HostGwNodeView[] }> {
  const raw: Array<[string, Probed<unknown>]> = [];
  const value = await Promise.all(cluster.nodes.map(async (node): Promise<HostGwNodeView> => {
    // Every read of the node in one exec (readBatch), every node at once; the probes parse them as before.
    const reads = await readBatch(node, [['ip', '-d', 'link', 'show'], ['ip', '-4', 'addr', 'show'], ['ip', '-4', 'route', 'show', 'table', 'main'], SUBNET_ENV_READ]);
    const [links, addrs, routes, lease] = await Promise.all([probeLinks(reads), probeAddresses(reads), probeRoutes(reads), probeSubnetEnv(node, reads)]);
    raw.push([node.name, links], [node.name, addrs], [node.name, routes], ...lease.raw);
    const uplink = addrs.value.find((a) => node.addresses.includes(a.address))?.iface;
    return {
      node: node.name,
      ...(node.addresses[0] ? { address: node.addresses[0] } : {}),
      ...(uplink ? { uplink } : {}),
      subnets: lease.subnets,
      routes: routes.value.filter((r) => r.type === 'unicast').map((r) => ({ dst: r.dst, ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}) })),
      tunnels: encapsulationDevices(links.value),
    };
  }));
  return { raw: rawOf(raw), value };
}

async function probe(cluster: ClusterHandle, options?: ProbeOptions): Promise<Observation<HostGwObservation>> {
  // Static state, the kernel's lookups and the capture with its pings at once: the reads send no packet.
  const [nodes, lookups, captures] = await Promise.all([probeNodes(cluster), probePathLookups(cluster), captureUnderlay(cluster, underlayInterface, undefined, options)]);
  return {
    raw: { ...nodes.raw, ...lookups.raw, ...captures.raw },
    value: { nodes: nodes.value, lookups: lookups.value, captures: captures.value, pods: cluster.pods.flatMap((p) => p.addresses) },
    subtests: captureSubtests(captures.value), ...(captures.located ? { located: captures.located } : {}),
  };
}

export function expectHostGw(v: HostGwObservation): string[] {
  const nodes = v.nodes;
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
  const want = (l: PathLookup) => {
    const [self, to] = [nodes.find((n) => n.node === l.node), nodes.find((n) => n.node === l.toNode)];
    return self?.uplink && to?.address ? { dev: self.uplink, via: to.address } : undefined;
  };
  return [...problems, ...pathProblems(v.lookups, want), ...underlayProblems(v.captures, v.pods)];
}

/** The first node, a pod on it, and a pod on the second node with the second node's subnet. */
async function firstPair(cluster: ClusterHandle) {
  const [a, b] = (await probeNodes(cluster)).value;
  const from = cluster.pods.find((p) => p.node === a?.node);
  const to = cluster.pods.find((p) => p.node === b?.node)?.addresses[0];
  const subnet = b?.subnets[0];
  if (!a || !b || !from || !to || !subnet) throw new Error('failed to break L-HG-1: need two nodes with pods and subnets');
  return { a, b, from, to, subnet, node: cluster.node(a.node) };
}

/**
 * L-HG-1: each remote node's subnet routed `via <nodeIP> dev <uplink>`, no encapsulation device, and the kernel forwards pod
 * traffic that way. Route shape: pkg/backend/hostgw/hostgw.go@v0.28.9 GetRoute (Dst the lease's subnet, i.e. the node's podCIDR,
 * pkg/subnet/kube/kube.go@v0.28.9; Gw the lease's PublicIP; LinkIndex the external interface).
 */
export const lHg1: Behaviour<HostGwObservation> = defineBehaviour<HostGwObservation>({
  id: 'L-HG-1',
  title: 'flannel host-gw backend',
  docs: FLANNEL_DOCS,
  requires: [cni('flannel')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe,
  expect: expectHostGw,
  negativeControls: [
    {
      // Not a deleted route: flanneld puts a missing one back within 10 s, racing the check (blackholeRoute;
      // pkg/backend/route_network.go@v0.28.9 routeCheck, every routeCheckRetries = 10 s).
      name: 'route to the second node\'s subnet replaced by a blackhole on the first node',
      owner: {
        owner: 'flanneld (host-gw routeCheck)', reverts: 'periodically', everySeconds: 10, breakage: 'shadows',
        why: 'flanneld re-adds a missing route every 10 s (pkg/backend/route_network.go@v0.28.9 routeCheck, checkSubnetExistInRoutes); the blackhole '
          + 'has no Gw so it is not routeEqual, and that RouteAdd meets it, same destination: EEXIST. Only routeAdd, on a lease event (a node\'s '
          + 'flannel annotations change: pkg/subnet/kube/kube.go@v0.28.9 handleUpdateLeaseEvent), deletes a same-destination route it did not make',
      },
      expectFailure: /node \S+: no route to \S+'s subnet [\d./]+, expected [\d./]+ via [\d.]+ dev \S+/,
      async apply(cluster): Promise<Breakage> {
        const [a, b] = (await probeNodes(cluster)).value;
        const route = a && b ? a.routes.find((r) => b.subnets.includes(r.dst)) : undefined;
        if (!a || !route?.via || !route.dev) throw new Error('failed to break L-HG-1: the first node has no route to the second node\'s subnet');
        return blackholeRoute(cluster.node(a.node), route.dst, ['via', route.via, 'dev', route.dev]);
      },
    },
    {
      name: 'forwarding off on the first node',
      owner: {
        owner: 'the bridge plugin flannel delegates to (net.ipv4.ip_forward, on pod creation)', reverts: 'on-event', breakage: 'changes',
        why: 'the bridge plugin writes 1 on every pod ADD on the node (plugins/main/bridge/bridge.go@v1.9.1 cmdAdd enableIPForward, '
          + 'isGateway defaulted to true by flannel_linux.go@v1.9.1-flannel1); no pod is created on the node during the check, and nothing '
          + 'writes it back on a timer: neither kind (images/base/files@v0.32.0) nor kube-proxy in iptables mode sets it (only ipvs '
          + 'mode does: pkg/proxy/ipvs/proxier.go@v1.36.1)',
      },
      expectFailure: /kernel lookup for \S+ \([\d.]+\) -> \S+ \([\d.]+\) on \S+ fails: "RTNETLINK answers: No route to host"/,
      async apply(cluster): Promise<Breakage> {
        const { node } = await firstPair(cluster);
        return nodeChange(node, {
          what: 'net.ipv4.ip_forward=0', apply: ['echo 0 > /proc/sys/net/ipv4/ip_forward'], undo: ['echo 1 > /proc/sys/net/ipv4/ip_forward'],
          inEffect: async () => (await node.exec(['cat', '/proc/sys/net/ipv4/ip_forward'])).stdout.trim() === '0',
        });
      },
    },
    {
      name: 'a more-specific on-link route to half of the second node\'s subnet',
      owner: {
        owner: 'nobody (a route the control adds)', reverts: 'never', breakage: 'adds',
        why: 'flanneld\'s routeCheck re-adds only its own missing routes and deletes none (pkg/backend/route_network.go@v0.28.9 checkSubnetExistInRoutes); '
          + 'routeAdd, on a lease event, replaces only a route of exactly the lease\'s destination (RT_FILTER_DST), not a more specific one',
      },
      expectFailure: /kernel lookup for \S+ \([\d.]+\) -> \S+ \([\d.]+\) on \S+ goes via \(none\) dev \S+, expected via [\d.]+ dev \S+/,
      async apply(cluster): Promise<Breakage> {
        const { a, from, to, subnet, node } = await firstPair(cluster);
        const half = `${subnet.split('/')[0]}/${Number(subnet.split('/')[1]) + 1}`;
        const route = `${half} dev ${a.uplink ?? 'eth0'}`;
        return nodeChange(node, {
          what: `ip route ${route} (scope link)`, apply: [`ip route add ${route}`], undo: [`ip route del ${route}`],
          inEffect: async () => !(await lookupOnce(cluster, from, to)).includes(' via '),
        });
      },
    },
    {
      name: 'an ip rule that prohibits traffic to the second node\'s subnet',
      owner: {
        owner: 'nobody (an ip rule the control adds)', reverts: 'never', breakage: 'adds',
        why: 'flanneld manages routes, not ip rules (pkg/backend/route_network.go@v0.28.9; no RuleAdd/RuleDel in flannel\'s own code at v0.28.9)',
      },
      expectFailure: /kernel lookup for \S+ \([\d.]+\) -> \S+ \([\d.]+\) on \S+ fails: "RTNETLINK answers: Permission denied"/,
      async apply(cluster): Promise<Breakage> {
        const { from, to, subnet, node } = await firstPair(cluster);
        return nodeChange(node, {
          what: `ip rule to ${subnet} prohibit`, apply: [`ip rule add to ${subnet} prohibit`], undo: [`ip rule del to ${subnet} prohibit`],
          inEffect: async () => (await lookupOnce(cluster, from, to)).includes('Permission denied'),
        });
      },
    },
  ],
});
