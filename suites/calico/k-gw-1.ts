import { CALICO_GATEWAY_IP, CALICO_GATEWAY_MAC } from '../../clusters/lab/datapaths/calico-workloads.ts';
import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { parseIpAddr, type Address } from '../../helpers/parsers/ip-addr.ts';
import { parseIpNeigh, type Neighbour } from '../../helpers/parsers/ip-neigh.ts';
import { lookupRoute, parseIpRoute, type Route } from '../../helpers/parsers/ip-route.ts';
import type { PodReply } from '../../helpers/parsers/pod-reply.ts';
import { rawOf, type Probed } from '../../helpers/probes/net.ts';
import { icmpClient, runClients, tcpClient, trafficTimings, type Client, type IcmpRun } from '../../helpers/probes/traffic.ts';
import type { ClientRun } from '../../helpers/parsers/pod-reply.ts';
import { iptablesRule } from '../../helpers/probes/traffic-faults.ts';
import { parseLinkEnds, parseNetnsIds, type LinkEnds } from '../../helpers/probes/traffic-veth.ts';
import { hostInterfaceOf } from '../../helpers/probes/workload.ts';
import { failureName } from '../../helpers/hop-trace/trace.ts';
import type { TracedLoss, TracedProbe } from '../../helpers/hop-trace/types.ts';
import { defineBehaviour } from '../check.ts';
import { locateFailed, type Tracer } from '../locate-failures.ts';
import { cni } from '../requirements.ts';
import type { Breakage } from '../types.ts';

export interface PodGatewayView {
  pod: string;
  node: string;
  address?: string;
  defaultRoute?: { via?: string; dev?: string };
  prefixLength?: number;
  gatewayNeighbour?: { lladdr?: string; state?: string };
  hostIface?: string;
  hostMac?: string;
  proxyArp?: string;
  /** Traffic through the gateway to a pod on another node: the pod's own route to it and what came back. */
  forwarding?: {
    to: string; toAddress: string; toNode: string; route?: { via?: string; dev?: string }; sent: number; received: number; tcp: PodReply;
    /** Client output lines no parser understood. */
    unparsed?: string[];
    /** The lost traffic traced hop by hop (lab): the probe traced and where its packets were lost (suites/locate-failures.ts). */
    located?: { probe: TracedProbe; text: string };
  };
  /** The two ends of the pod's veth: its eth0 and the host interface the node routes the pod to. */
  veth?: {
    podIfindex?: number;
    /** eth0's IFLA_LINK: the ifindex of its peer in the node's netns. */
    podPeerIndex?: number;
    hostIfindex?: number;
    hostPeerIndex?: number;
    /** The host interface whose ifindex eth0 names as its peer (the pod's real host veth). */
    realHostIface?: string;
    /** The netns the routed host interface's peer lives in, by name where the node names it. */
    hostPeerNetns?: string;
  };
}

/**
 * K-GW-1: every pod's gateway 169.254.1.1 is answered by proxy ARP on its cali veth with ee:ee:ee:ee:ee:ee, and forwards.
 * cni-plugin/pkg/dataplane/linux/dataplane_linux.go@v3.31.0: DoWorkloadNetnsSetUp sets the host veth MAC to EE:EE:EE:EE:EE:EE
 * (one LinkSetHardwareAddr; on failure it logs and keeps the kernel's MAC), gives the pod its address as /32, a scope-link
 * route to 169.254.1.1 and its routes via it (0.0.0.0/0 by default: cni-plugin/internal/pkg/utils/network.go@v3.31.0
 * DefaultRoutes); configureSysctls sets proxy_arp=1 on the host veth.
 */
export const kGw1 = defineBehaviour<PodGatewayView[]>({
  id: 'K-GW-1',
  title: 'pod gateway 169.254.1.1 answered by proxy ARP with ee:ee:ee:ee:ee:ee',
  docs: 'https://docs.tigera.io/calico/latest/reference/faq#why-does-my-container-have-a-route-to-16925411',
  requires: [cni('calico')],
  needs: [{ kind: 'pods-on-nodes', count: 2 }],
  async probe(cluster, options) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const t = trafficTimings(cluster.capabilities);
    // One exec per node and one per pod, all at once: each pod forgets the gateway's MAC first, then lets real
    // traffic resolve it through ARP and cross the gateway, and reads its neighbour table last.
    const nodeViews = Promise.all([...new Set(cluster.pods.map((p) => p.node))].map(async (name) => {
      const [routes, links, netns, proxyArp] = await runClients(cluster.node(name), [
        { argv: ['ip', '-4', 'route', 'show', 'table', 'main'], parse: (r) => parseIpRoute(r.stdout) },
        { argv: ['ip', '-d', '-j', 'link', 'show'], parse: (r) => parseLinkEnds(r.stdout) },
        { argv: ['ip', '-j', 'netns', 'list-id'], parse: (r) => parseNetnsIds(r.stdout) },
        // Every interface's proxy_arp in one read: "/proc/sys/net/ipv4/conf/<iface>/proxy_arp:<value>".
        { argv: ['sh', '-c', 'grep -H . /proc/sys/net/ipv4/conf/*/proxy_arp'], parse: (r) => parseProxyArp(r.stdout) },
      ]) as [Probed<Route[]>, Probed<LinkEnds[]>, Probed<Map<number, string>>, Probed<Map<string, string>>];
      raw.push([name, routes], [name, links], [name, netns], [name, proxyArp]);
      return [name, { routes: routes.value, links: links.value, netns: netns.value, proxyArp: proxyArp.value }] as const;
    }));
    const podViews = Promise.all(cluster.pods.map(async (pod, i) => {
      const others = cluster.pods.filter((p) => p.node !== pod.node);
      const peer = others[i % Math.max(others.length, 1)];
      const peerAddress = peer?.addresses[0];
      const clients: Array<Client<unknown>> = [
        { argv: ['ip', 'neigh', 'flush', 'dev', 'eth0'], parse: () => undefined },
        { argv: ['ip', '-4', 'route', 'show'], parse: (r) => parseIpRoute(r.stdout) },
        { argv: ['ip', '-4', 'addr', 'show', 'dev', 'eth0'], parse: (r) => parseIpAddr(r.stdout) },
        { argv: ['ip', '-d', '-j', 'link', 'show', 'dev', 'eth0'], parse: (r) => parseLinkEnds(r.stdout) },
        ...(peerAddress ? [
          icmpClient(peerAddress, { ...GATEWAY_PING, waitS: t.waitS, boundS: t.boundS, preload: t.preload, confirm: t.confirm }),
          tcpClient(peerAddress, t),
          { argv: ['ip', '-4', 'route', 'get', peerAddress], parse: (r: ClientRun) => parseIpRoute(r.stdout) },
        ] : []),
        { argv: ['ip', '-4', 'neigh', 'show', 'dev', 'eth0'], parse: (r) => parseIpNeigh(r.stdout) },
      ];
      const results = await runClients(pod, clients, { first: [0], last: [clients.length - 1] });
      const [, routes, addrs, eth0] = results as [unknown, Probed<Route[]>, Probed<Address[]>, Probed<LinkEnds[]>];
      const traffic = peerAddress ? results.slice(4, 7) as [Probed<IcmpRun>, Probed<PodReply>, Probed<Route[]>] : undefined;
      const neigh = results[results.length - 1] as Probed<Neighbour[]>;
      raw.push(...results.slice(1).map((r): [string, Probed<unknown>] => [pod.name, r]));
      return { pod, peer, peerAddress, routes, addrs, eth0, traffic, neigh };
    }));
    const [nodeList, podList] = await Promise.all([nodeViews, podViews]);
    const nodes = new Map(nodeList);
    const value = podList.map(({ pod, peer, peerAddress, routes, addrs, eth0, traffic, neigh }) => {
      const node = nodes.get(pod.node)!;
      const address = pod.addresses[0];
      const hostRoute = address ? lookupRoute(node.routes, address) : undefined;
      const hostIface = hostRoute?.dev && hostRoute.dst !== 'default' ? hostRoute.dev : undefined;
      const host = node.links.find((l) => l.ifname === hostIface);
      const def = routes.value.find((r) => r.dst === 'default');
      const gw = neigh.value.find((n) => n.address === CALICO_GATEWAY_IP);
      const view: PodGatewayView = { pod: pod.name, node: pod.node, ...(address ? { address } : {}) };
      if (def) view.defaultRoute = { ...(def.via ? { via: def.via } : {}), ...(def.dev ? { dev: def.dev } : {}) };
      const own = addrs.value.find((a) => a.address === address) ?? addrs.value[0];
      if (own) view.prefixLength = own.prefixLength;
      if (gw) view.gatewayNeighbour = { ...(gw.lladdr ? { lladdr: gw.lladdr } : {}), ...(gw.state ? { state: gw.state } : {}) };
      if (hostIface) view.hostIface = hostIface;
      if (host?.address) view.hostMac = host.address;
      const proxyArp = hostIface ? node.proxyArp.get(hostIface) : undefined;
      if (proxyArp) view.proxyArp = proxyArp;
      if (traffic && peer && peerAddress) {
        const [ping, tcp, get] = traffic;
        const r = get.value[0];
        view.forwarding = {
          to: peer.name, toAddress: peerAddress, toNode: peer.node,
          ...(r ? { route: { ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}) } } : {}),
          sent: ping.value.counted.sent, received: ping.value.counted.received, tcp: tcp.value,
          ...(ping.value.unparsed.length + tcp.value.unparsed.length > 0 ? { unparsed: [...ping.value.unparsed, ...tcp.value.unparsed] } : {}),
        };
      }
      const podEnd = eth0.value[0];
      const real = podEnd?.peerIndex !== undefined ? node.links.find((l) => l.ifindex === podEnd.peerIndex) : undefined;
      const peerNetns = host?.peerNetnsId !== undefined ? node.netns.get(host.peerNetnsId) ?? `nsid ${host.peerNetnsId}` : undefined;
      view.veth = {
        ...(podEnd ? { podIfindex: podEnd.ifindex } : {}), ...(podEnd?.peerIndex !== undefined ? { podPeerIndex: podEnd.peerIndex } : {}),
        ...(host ? { hostIfindex: host.ifindex } : {}), ...(host?.peerIndex !== undefined ? { hostPeerIndex: host.peerIndex } : {}),
        ...(real ? { realHostIface: real.ifname } : {}), ...(peerNetns ? { hostPeerNetns: peerNetns } : {}),
      };
      return view;
    });
    const traces: Record<string, string> = {};
    const located = options?.locate ? await locateForwarding(cluster, value, traces, options.maxTraces) : [];
    return { raw: { ...rawOf(raw), ...traces }, value, ...(located.length ? { located } : {}) };
  },
  expect(pods) {
    if (pods.length === 0) return ['no pods to check'];
    return pods.flatMap((p) => {
      const problems: string[] = [];
      const where = `pod ${p.pod} on ${p.node}`;
      if (p.defaultRoute?.via !== CALICO_GATEWAY_IP || p.defaultRoute.dev !== 'eth0') {
        problems.push(`${where}: default route is ${p.defaultRoute ? `via ${p.defaultRoute.via ?? '(none)'} dev ${p.defaultRoute.dev ?? '(none)'}` : 'missing'}, expected via ${CALICO_GATEWAY_IP} dev eth0`);
      }
      if (p.prefixLength !== 32) problems.push(`${where}: address prefix is /${p.prefixLength ?? '?'}, expected /32`);
      if (p.gatewayNeighbour?.lladdr !== CALICO_GATEWAY_MAC) {
        const seen = p.gatewayNeighbour ? `lladdr ${p.gatewayNeighbour.lladdr ?? '(none)'} state ${p.gatewayNeighbour.state ?? '?'}` : 'no entry';
        problems.push(`${where}: neighbour ${CALICO_GATEWAY_IP} is ${seen}, expected lladdr ${CALICO_GATEWAY_MAC} (answered by proxy ARP)`);
      }
      if (!p.hostIface) problems.push(`${p.node}: no route to pod ${p.pod} through a host-side veth`);
      else {
        if (p.hostMac !== CALICO_GATEWAY_MAC) problems.push(`${p.node}: host veth ${p.hostIface} has MAC ${p.hostMac ?? '(none)'}, expected ${CALICO_GATEWAY_MAC}`);
        if (p.proxyArp !== '1') problems.push(`${p.node}: net.ipv4.conf.${p.hostIface}.proxy_arp = ${p.proxyArp ?? '(missing)'}, expected 1`);
        problems.push(...vethProblems(p, p.hostIface));
      }
      problems.push(...forwardingProblems(p));
      return problems;
    });
  },
  negativeControls: [
    {
      name: 'proxy_arp off on the first pod\'s host veth',
      owner: {
        owner: 'felix (calico-node)', reverts: 'on-event', breakage: 'changes',
        why: 'felix sets proxy_arp when it configures a workload interface (it comes up, its endpoint is updated, the local BGP peer IP '
          + 'changes), not on a timer (felix/dataplane/linux/endpoint_mgr.go@v3.31.0 configureInterface, wlIfaceNamesToReconfigure)',
      },
      expectFailure: /proxy_arp = 0, expected 1/,
      apply: (cluster) => onFirstHostVeth(cluster, (iface) => ({
        what: `proxy_arp=0 on ${iface}`,
        set: [`sysctl -qw net.ipv4.conf.${iface}.proxy_arp=0`],
        restore: [`sysctl -qw net.ipv4.conf.${iface}.proxy_arp=1`],
      })),
    },
    {
      name: 'host veth MAC changed from ee:ee:ee:ee:ee:ee',
      owner: {
        owner: 'Calico CNI plugin', reverts: 'on-event', breakage: 'changes',
        why: 'the CNI plugin sets the host veth MAC when it creates the pod\'s veth (ADD), never afterwards '
          + '(cni-plugin/pkg/dataplane/linux/dataplane_linux.go@v3.31.0 DoWorkloadNetnsSetUp; felix sets no workload veth MAC at v3.31.0)',
      },
      expectFailure: /MAC 02:00:00:00:00:01, expected ee:ee:ee:ee:ee:ee/,
      apply: (cluster) => onFirstHostVeth(cluster, (iface) => ({
        what: `MAC 02:00:00:00:00:01 on ${iface}`,
        set: [`ip link set dev ${iface} address 02:00:00:00:00:01`],
        restore: [`ip link set dev ${iface} address ${CALICO_GATEWAY_MAC}`],
      })),
    },
    {
      // raw PREROUTING sees IP only: ARP for 169.254.1.1 is still answered, everything the pod sends is dropped.
      // Appended, not inserted: on kind, Felix keeps its cali-PREROUTING jump first; that chain marks workload
      // traffic, RPF-checks it and ACCEPTs only packets an untracked host-endpoint policy marked
      // (felix/rules/static.go@v3.31.0 StaticRawPreroutingChain; its cali-rpf-skip ACCEPTs only workloads allowed to
      // spoof sources, felix/dataplane/linux/endpoint_mgr.go@v3.31.0 updateRPFSkipChain), so a workload's packet
      // returns from it and reaches this rule. Unconfirmed by a kind run.
      name: 'gateway answers ARP but drops everything the first pod sends (raw PREROUTING drop on its host veth)',
      owner: {
        owner: 'nobody (a rule appended after felix\'s jump)', reverts: 'never', breakage: 'adds',
        why: 'felix keeps only its own jump first in raw PREROUTING (ChainInsertMode insert by default, felix/config/config_params.go@v3.31.0, '
          + 'where NFTablesMode defaults to Disabled: iptables) and leaves other rules there: out of sync, it deletes only its own hashed '
          + 'rules and re-inserts them at the top (felix/iptables/table.go@v3.31.0 applyUpdates)',
      },
      expectFailure: /pod \S+ on \S+: traffic through 169\.254\.1\.1 to \S+ \([\d.]+\) on \S+ not forwarded: ICMP 0\/\d+ received, TCP 8080: no answer/,
      async apply(cluster) {
        const pod = firstPod(cluster);
        const { iface } = await hostInterfaceOf(cluster, pod);
        if (!iface) throw new Error(`failed to break K-GW-1: no host veth routes to pod ${pod.name}`);
        return iptablesRule(cluster.node(pod.node), `node ${pod.node}`, { table: 'raw', chain: 'PREROUTING', spec: ['-i', iface, '-j', 'DROP'], append: true });
      },
    },
    {
      // A stale route after an address is reused: the node sends the pod's traffic into another pod's veth.
      name: 'the node\'s route to a pod pointing at another pod\'s veth on the same node',
      owner: {
        // v3.32.1 (and v3.31.7) repair it on the 90 s refresh (projectcalico/calico#12943); v3.31.0, pinned here, does not.
        owner: 'felix (calico-node) route table', reverts: 'on-event', breakage: 'changes',
        why: 'felix queues a full route resync every RouteRefreshInterval, 90 s (felix/config/config_params.go@v3.31.0; '
          + 'felix/dataplane/linux/int_dataplane.go@v3.31.0 routeRefreshC), but at v3.31.0 the resync never repairs a route changed in place '
          + '(same CIDR, TOS, metric): felix/routetable/route_table.go@v3.31.0 doFullResync and resyncIface set the cached kernel route only '
          + 'when it already equals the kernel\'s ("!ok || oldRoute.Equals(kernRoute)"), so the cache keeps felix\'s route and applyUpdates '
          + 'issues no RouteReplace. A calico-node restart (start-of-day resync from an empty cache) puts the /32 back',
      },
      expectFailure: /the route to pod \S+ \([\d.]+\) goes to \S+ \(ifindex \d+\), but \S+'s eth0 is the peer of ifindex \d+/,
      async apply(cluster) {
        const pod = cluster.pods.find((p) => cluster.pods.some((o) => o !== p && o.node === p.node));
        if (!pod) throw new Error('failed to break K-GW-1: no two pods share a node');
        const other = cluster.pods.find((o) => o !== pod && o.node === pod.node)!;
        const [mine, theirs] = await Promise.all([hostInterfaceOf(cluster, pod), hostInterfaceOf(cluster, other)]);
        if (!mine.iface || !theirs.iface) throw new Error(`failed to break K-GW-1: no host veth routes to pod ${mine.iface ? other.name : pod.name}`);
        const node = cluster.node(pod.node);
        const route = (dev: string) => ['ip', 'route', 'replace', `${pod.addresses[0]}/32`, 'dev', dev, 'scope', 'link'];
        const sh = async (argv: string[]) => {
          const r = await node.exec(argv);
          if (r.exitCode !== 0) throw new Error(`failed to run on ${node.name}: ${argv.join(' ')}: ${r.stderr}`);
        };
        await sh(route(theirs.iface));
        return { what: `route ${pod.addresses[0]}/32 dev ${theirs.iface} (pod ${other.name}'s veth) on ${node.name}`, undo: () => sh(route(mine.iface!)) };
      },
    },
  ],
});

/** Pings through the gateway: a few packets 10 ms apart, enough to see it forward, not a loss measurement (X-POD-1). */
const GATEWAY_PING = { count: 5, intervalS: 0.01, quiet: true } as const;

function vethProblems(p: PodGatewayView, hostIface: string): string[] {
  const v = p.veth ?? {};
  if (v.podPeerIndex === undefined || v.hostIfindex === undefined) {
    return [`${p.node}: cannot tie pod ${p.pod}'s eth0 to ${hostIface}: ifindex/link_index missing from ip -d -j link (pod peer ${v.podPeerIndex ?? '?'}, host ifindex ${v.hostIfindex ?? '?'})`];
  }
  const problems: string[] = [];
  if (v.podPeerIndex !== v.hostIfindex) {
    problems.push(`${p.node}: the route to pod ${p.pod} (${p.address ?? '?'}) goes to ${hostIface} (ifindex ${v.hostIfindex}), but ${p.pod}'s eth0 is the peer of ifindex ${v.podPeerIndex}${v.realHostIface ? ` (${v.realHostIface})` : ''}`);
  } else if (v.hostPeerIndex !== undefined && v.podIfindex !== undefined && v.hostPeerIndex !== v.podIfindex) {
    problems.push(`${p.node}: ${hostIface}'s peer is ifindex ${v.hostPeerIndex}${v.hostPeerNetns ? ` in ${v.hostPeerNetns}` : ''}, not pod ${p.pod}'s eth0 (ifindex ${v.podIfindex})`);
  }
  return problems;
}

type Forwarding = NonNullable<PodGatewayView['forwarding']>;

/** Fewer pings sent than asked (the run was cut short by its bound, TrafficTimings.boundS), or a reply missing. */
const icmpLost = (f: Forwarding): boolean => f.sent < GATEWAY_PING.count || f.received < f.sent;

/** The probe whose packets the gateway lost: ICMP, else TCP with no answer at all (an answer from the wrong pod is no loss). */
export function forwardingLoss(f: Forwarding): TracedProbe | undefined {
  if (icmpLost(f)) return 'burst';
  return f.tcp.answeredBy ? undefined : 'tcp';
}

/**
 * Where the traffic through the gateway was lost (suites/locate-failures.ts): each pod whose forwarding failed gets
 * `located` on its forwarding view; the traces are returned for Observation.located. The pings are GATEWAY_PING's,
 * of ping's default size.
 */
export function locateForwarding(cluster: ClusterHandle, pods: PodGatewayView[], raw: Record<string, string>, maxTraces?: number, trace?: Tracer): Promise<TracedLoss[]> {
  return locateFailed(cluster, pods.flatMap(({ pod, forwarding: f }) => {
    const probe = f ? forwardingLoss(f) : undefined;
    return f && probe ? [{ from: pod, to: f.to, probe, located: (text: string) => { f.located = { probe, text }; } }] : [];
  }), raw, maxTraces, trace);
}

function forwardingProblems(p: PodGatewayView): string[] {
  const f = p.forwarding;
  if (!f) return [`pod ${p.pod} on ${p.node}: no pod on another node to send traffic to through ${CALICO_GATEWAY_IP}`];
  const problems: string[] = [];
  const target = `${f.to} (${f.toAddress}) on ${f.toNode}`;
  if (f.route?.via !== CALICO_GATEWAY_IP || f.route.dev !== 'eth0') {
    problems.push(`pod ${p.pod} on ${p.node}: its route to ${target} is ${f.route ? `via ${f.route.via ?? '(none)'} dev ${f.route.dev ?? '(none)'}` : 'missing'}, expected via ${CALICO_GATEWAY_IP} dev eth0`);
  }
  const icmpOk = !icmpLost(f);
  const tcpOk = f.tcp.answeredBy === f.to;
  if (!icmpOk || !tcpOk) {
    const tcp = tcpOk ? 'TCP 8080 answered' : f.tcp.answeredBy ? `TCP 8080 answered by ${f.tcp.answeredBy}` : `TCP 8080: no answer (${f.tcp.error ?? 'nothing received'})`;
    problems.push(`pod ${p.pod} on ${p.node}: traffic through ${CALICO_GATEWAY_IP} to ${target} not forwarded: ICMP ${f.received}/${f.sent} received, ${tcp}`);
  }
  // Where the traced probe's packets were lost: a line of its own, after the one the controls match.
  if (f.located) problems.push(`${failureName({ from: p.pod, to: f.to, probe: f.located.probe })}: ${f.located.text}`);
  if (f.unparsed?.length) problems.push(`pod ${p.pod} on ${p.node}: client output the parsers do not understand: ${f.unparsed.map((l) => JSON.stringify(l)).join(', ')}`);
  return problems;
}

/** Reads the grep -H of every /proc/sys/net/ipv4/conf/<iface>/proxy_arp into iface -> value. */
export function parseProxyArp(text: string): Map<string, string> {
  return new Map(text.split('\n').flatMap((l) => {
    const m = /^\/proc\/sys\/net\/ipv4\/conf\/([^/]+)\/proxy_arp:(\S+)$/.exec(l.trim());
    return m ? [[m[1]!, m[2]!] as [string, string]] : [];
  }));
}

function firstPod(cluster: ClusterHandle): PodHandle {
  const pod = cluster.pods[0];
  if (!pod) throw new Error('failed to break K-GW-1: the cluster has no pods');
  return pod;
}

async function onFirstHostVeth(
  cluster: ClusterHandle,
  plan: (iface: string) => { what: string; set: string[]; restore: string[] },
): Promise<Breakage> {
  const pod = firstPod(cluster);
  const { iface } = await hostInterfaceOf(cluster, pod);
  if (!iface) throw new Error(`failed to break K-GW-1: no host veth routes to pod ${pod.name}`);
  const node = cluster.node(pod.node);
  const steps = plan(iface);
  const sh = async (lines: string[]) => {
    const r = await node.exec(['sh', '-ec', lines.join('\n')]);
    if (r.exitCode !== 0) throw new Error(`failed to run on ${node.name}: ${lines.join('; ')}: ${r.stderr}`);
  };
  await sh(steps.set);
  return {
    what: `${steps.what} on ${node.name}`,
    async undo() {
      await sh(steps.restore);
      // The pod learnt the broken gateway MAC during the check; until that entry ages out its replies go to a MAC
      // the veth no longer has. Forgetting it is part of restoring the state before the breakage.
      const flush = await pod.exec(['ip', 'neigh', 'flush', 'dev', 'eth0']);
      if (flush.exitCode !== 0) throw new Error(`failed to flush pod ${pod.name}'s neighbours: ${flush.stderr}`);
    },
  };
}
