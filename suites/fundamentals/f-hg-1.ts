import { HG_PODS, HG_SUBNETS, VX_HOSTS, VX_UNDERLAY_IFACE } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { lookupRoute } from '../../helpers/parsers/ip-route.ts';
import { captureDuring } from '../../helpers/probes/capture.ts';
import { probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import type { NegativeControl } from '../types.ts';
import { pingProblem, sh } from './lab-ops.ts';
import { LAB_WAIT, labPing, PROTOCOLS, tcpTry, udpTry, type Protocol } from './pod-traffic.ts';

type Pod = keyof typeof HG_PODS;
type Host = keyof typeof HG_SUBNETS;

export interface HostGwDirection {
  from: Pod;
  to: Pod;
  /** The sending host's route towards the receiving pod. */
  route?: { dst: string; via?: string };
  icmp: { sent: number; received: number };
  /** connected/refused: an answer came back (SYN-ACK or RST); timeout: none did. */
  tcp: 'connected' | 'refused' | 'timeout';
  /** answered/refused: a datagram or ICMP port unreachable came back; silent: nothing did. */
  udp: 'answered' | 'refused' | 'silent';
  /** Source addresses of what the receiver captured, by protocol. */
  sources: Record<Protocol, string[]>;
}

export interface HostGwView {
  directions: HostGwDirection[];
}

const PODS = Object.keys(HG_PODS) as Pod[];
const peerOf = (p: Pod): Pod => (p === 'pod-a' ? 'pod-b' : 'pod-a');
const hostOf = (p: Pod): Host => HG_PODS[p].node;
const label = (p: Pod) => `${p} (${HG_PODS[p].address})`;
const routeOf = (host: Host) => {
  const other: Host = host === 'host-a' ? 'host-b' : 'host-a';
  return `${HG_SUBNETS[other]} via ${VX_HOSTS[other]} dev ${VX_UNDERLAY_IFACE}`;
};
const masq = (host: Host, proto?: 'tcp' | 'udp') => `POSTROUTING -s ${HG_SUBNETS[host]} -o ${VX_UNDERLAY_IFACE}${proto ? ` -p ${proto}` : ''} -j MASQUERADE`;

async function probeDirection(cluster: ClusterHandle, from: Pod, raw: Array<[string, Probed<unknown>]>): Promise<HostGwDirection> {
  const to = peerOf(from);
  const target = HG_PODS[to].address;
  const routesRead = probeRoutes(cluster.node(hostOf(from)));
  // Incoming requests only (echo requests, SYNs, datagrams to the server port): the receiver's own
  // traffic and its answers stay out, so both directions run at the same time. The capture listens before anything is
  // sent and ends 50 ms after the probes returned (each waited its own lab-scale deadline for an answer: LAB_WAIT).
  const filter = `dst host ${target} and (icmp[icmptype] = icmp-echo or (tcp dst port ${PROTOCOLS.tcp.port} and tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn) or udp dst port ${PROTOCOLS.udp.port})`;
  const { captures: [capture], result: [ping, tcp, udp] } = await captureDuring(
    [{ on: cluster.pod(to), spec: { iface: 'eth0', filter, direction: 'in', count: 5, seconds: 6, settleMs: 50 } }],
    () => Promise.all([labPing(cluster.pod(from), target, { count: 3 }), tcpTry(cluster.pod(from), target, PROTOCOLS.tcp.port, LAB_WAIT.tcpS), udpTry(cluster.pod(from), target, PROTOCOLS.udp.port, LAB_WAIT.udpS)]));
  const routes = await routesRead;
  raw.push([hostOf(from), routes], [from, ping], [from, tcp], [from, udp], [`${to} capture`, capture!]);
  const route = lookupRoute(routes.value, target);
  const packets = capture!.value;
  return {
    from, to,
    ...(route ? { route: { dst: route.dst, ...(route.via ? { via: route.via } : {}) } } : {}),
    icmp: { sent: ping.value?.transmitted ?? 0, received: ping.value?.received ?? 0 },
    tcp: tcp.value,
    udp: udp.value,
    sources: {
      icmp: packets.filter((p) => p.info.startsWith('ICMP echo request')).map((p) => p.src ?? '?'),
      tcp: packets.filter((p) => p.dstPort === PROTOCOLS.tcp.port && /Flags \[S\]/.test(p.info)).map((p) => p.src ?? '?'),
      udp: packets.filter((p) => p.dstPort === PROTOCOLS.udp.port && /UDP/.test(p.info)).map((p) => p.src ?? '?'),
    },
  };
}

/**
 * F-HG-1: host-gw pod routing, both ways: each pod reaches the other through `via <other host>` with
 * ICMP, TCP and UDP, and the receiver sees the sender's own address in every protocol (no SNAT).
 */
export const fHg1 = defineBehaviour<HostGwView>({
  id: 'F-HG-1',
  title: 'host-gateway pod routing without SNAT',
  docs: 'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md#host-gw',
  requires: [feature('host-gw')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const directions = await Promise.all(PODS.map((p) => probeDirection(cluster, p, raw)));
    return { raw: rawOf(raw), value: { directions } };
  },
  expect(v) {
    const problems: string[] = [];
    for (const d of v.directions) {
      const [host, toHost] = [hostOf(d.from), hostOf(d.to)];
      const to = HG_PODS[d.to].address;
      if (d.route?.via !== VX_HOSTS[toHost]) {
        problems.push(`${host} routes ${to} ${d.route ? `via ${d.route.via ?? '(on-link)'} (${d.route.dst})` : 'nowhere'}, expected via ${toHost}'s ${VX_HOSTS[toHost]} (ip route add ${routeOf(host)})`);
      }
      const ping = pingProblem(label(d.from), label(d.to), d.icmp);
      if (ping) problems.push(ping);
      if (d.tcp === 'timeout') problems.push(`${label(d.from)} got no TCP answer (SYN-ACK or RST) from ${to}:${PROTOCOLS.tcp.port}`);
      if (d.udp === 'silent') problems.push(`${label(d.from)} got no UDP answer (datagram or port unreachable) from ${to}:${PROTOCOLS.udp.port}`);
      const bySource = new Map<string, Protocol[]>();
      for (const proto of Object.keys(PROTOCOLS) as Protocol[]) {
        if (d.sources[proto].length === 0) problems.push(`${d.to} captured no ${PROTOCOLS[proto].name} packet from ${d.from}`);
        for (const s of new Set(d.sources[proto].filter((x) => x !== HG_PODS[d.from].address))) bySource.set(s, [...(bySource.get(s) ?? []), proto]);
      }
      for (const [s, protos] of bySource) {
        problems.push(`${d.to} saw source ${s}, expected ${d.from}'s own ${HG_PODS[d.from].address}, on ${protos.map((p) => PROTOCOLS[p].name).join(', ')} (SNAT on the way: check iptables -t nat -S POSTROUTING on ${host})`);
      }
    }
    for (const p of PODS.filter((x) => !v.directions.some((d) => d.from === x))) problems.push(`no traffic from ${p} observed`);
    return problems;
  },
  negativeControls: [
    ...([
      ['host-a', undefined, "MASQUERADE of pod-a's subnet on host-a", /pod-b saw source 192\.168\.2\.61, expected pod-a's own 10\.244\.1\.2, on ICMP, TCP, UDP/],
      ['host-a', 'tcp', "MASQUERADE of pod-a's TCP only on host-a (ICMP untouched)", /pod-b saw source 192\.168\.2\.61, expected pod-a's own 10\.244\.1\.2, on TCP \(/],
      ['host-a', 'udp', "MASQUERADE of pod-a's UDP only on host-a (ICMP untouched)", /pod-b saw source 192\.168\.2\.61, expected pod-a's own 10\.244\.1\.2, on UDP \(/],
      ['host-b', undefined, "MASQUERADE of pod-b's subnet on host-b (the return direction)", /pod-a saw source 192\.168\.2\.62, expected pod-b's own 10\.244\.2\.2, on ICMP, TCP, UDP/],
    ] as const).map(([host, proto, name, expectFailure]): NegativeControl => ({
      name,
      expectFailure,
      async apply(cluster: ClusterHandle) {
        const node = cluster.node(host);
        // Every probe opens new flows (new ping id, new source ports), so the rule applies to all of them.
        await sh(node, [`iptables -t nat -A ${masq(host, proto)}`]);
        return { what: `iptables -t nat ${masq(host, proto)} on ${host}`, undo: async () => { await sh(node, [`iptables -t nat -D ${masq(host, proto)}`]); } };
      },
    })),
    {
      name: 'route to host-b\'s pod subnet removed on host-a',
      expectFailure: /pod-a \(10\.244\.1\.2\) cannot reach pod-b \(10\.244\.2\.2\)/,
      async apply(cluster) {
        const node = cluster.node('host-a');
        await sh(node, [`ip route del ${routeOf('host-a')}`]);
        return { what: `route ${routeOf('host-a')} deleted on host-a`, undo: async () => { await sh(node, [`ip route add ${routeOf('host-a')}`]); } };
      },
    },
  ],
});
