import { parseBridgeFdb } from '../parsers/bridge-fdb.ts';
import { parseIpLink } from '../parsers/ip-link.ts';
import { parseIpNeigh } from '../parsers/ip-neigh.ts';
import { parseIpRoute } from '../parsers/ip-route.ts';
import { parseIptablesSave } from '../parsers/iptables-save.ts';
import { parseTcpdumpWithUnparsed, type CapturedPacket } from '../parsers/tcpdump.ts';
import { POD_TCP_PORT, POD_UDP_PORT } from '../probes/traffic.ts';
import type { Drop, Hop, HopOutcome, ObservedHop, TracedProbe } from './types.ts';

/** Everything a trace read on the nodes, keyed as `captureKey`, `routeKey` and by node or pod netns; pure input of observeHops. */
export interface TraceReadings {
  /** tcpdump's output per capture (captureKey). */
  captures: Record<string, string>;
  /**
   * The time of day (HH:MM:SS.fraction, the nodes share the host's clock) just before the first capture of the trace was
   * stopped: packets stamped later are not counted. Captures stop one after the other, and a server's retransmission
   * arriving meanwhile is seen by one hop and not the next (a calico-vxlan mutate run read 5 SYN-ACKs on eth0 and 4 on
   * vxlan.calico that way). Unset: every packet counts. A trace across midnight is not handled.
   */
  cutoff?: string;
  /** `iptables-save -c -t filter` per node, before the traced packets and after. */
  iptables: Record<string, { before: string; after: string }>;
  /** `ip -4 route get ...` output per route hop (routeKey). */
  routes: Record<string, string>;
  /** `ip -4 neigh show` per netns (a pod's name, or a node's). */
  neighbours: Record<string, string>;
  /** `ip -o link show` per netns. */
  links: Record<string, string>;
  /** `bridge -j fdb show dev <tunnel>` per node (VXLAN only). */
  fdb: Record<string, string>;
}

export const captureKey = (h: Hop): string => `${h.node}/${h.capture?.netns ?? ''}/${h.capture?.device ?? ''}`;
export const routeArgv = (h: Hop): string[] => ['ip', '-4', 'route', 'get', h.route!.to, 'from', h.route!.from, 'iif', h.route!.iif];
export const routeKey = (h: Hop): string => `${h.node}: ${routeArgv(h).join(' ')}`;
/** The netns a capture hop's device is in: the pod's, or the node's (named by the node). */
export const netnsOf = (h: Hop): string => h.capture?.netns ?? h.node;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ip = (a: string) => `(?<![\\d.])${esc(a)}`;

/**
 * The packets of a probe's traced client in one direction, as tcpdump prints them (outer line, or the encapsulated
 * line VXLAN and IPIP carry): ICMP echo of the probe's size, TCP SYN to 8080 and its SYN-ACK, UDP to 8081 and its
 * answer. tcpdump-4.99.3 (Debian bookworm's): icmp_print prints "ICMP echo request, id %u, seq %u, length %u" with the
 * ICMP length (payload + 8) (print-icmp.c), tcp_print "Flags [%s]" from tcp_flag_values, S for SYN and . for ACK
 * (print-tcp.c), udp_print "UDP, length %u" (print-udp.c); as recorded in helpers/hop-trace/fixtures.
 */
export function packetPattern(probe: TracedProbe, src: string, dst: string, leg: Hop['leg'], icmpPayload: number): RegExp {
  const [a, b] = leg === 'request' ? [src, dst] : [dst, src];
  if (probe === 'tcp') {
    return leg === 'request' ? new RegExp(`${ip(a)}\\.\\d+ > ${esc(b)}\\.${POD_TCP_PORT}: Flags \\[S\\]`) : new RegExp(`${ip(a)}\\.${POD_TCP_PORT} > ${esc(b)}\\.\\d+: Flags \\[S\\.\\]`);
  }
  if (probe === 'udp') {
    // Under `-T vxlan` (flannel's port 8472 decoded as VXLAN) tcpdump prints every UDP packet as VXLAN, the encapsulated
    // probe too: udp_print's ndo_packettype switch, PT_VXLAN -> udpipaddr_print then vxlan_print (print-udp.c@tcpdump-4.99.3).
    const udp = '(UDP|VXLAN)';
    return leg === 'request' ? new RegExp(`${ip(a)}\\.\\d+ > ${esc(b)}\\.${POD_UDP_PORT}: ${udp}`) : new RegExp(`${ip(a)}\\.${POD_UDP_PORT} > ${esc(b)}\\.\\d+: ${udp}`);
  }
  return new RegExp(`${ip(a)} > ${esc(b)}: ICMP echo ${leg === 'request' ? 'request' : 'reply'}, id \\d+, seq \\d+, length ${icmpPayload + 8}\\b`);
}

/** Seconds since midnight of tcpdump's default timestamp (local %H:%M:%S.%06u: ts_date_hmsfrac_print, util-print.c@tcpdump-4.99.3) or of `date +%H:%M:%S.%N`. */
export function secondsOfDay(time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

/** A captured packet as tcpdump printed it: its line, and the encapsulated line(s) after it. */
export function packetText(p: CapturedPacket): string {
  const end = (addr?: string, port?: number) => `${addr ?? ''}${port !== undefined ? `.${port}` : ''}`;
  const head = p.src ? `${p.proto} ${end(p.src, p.srcPort)} > ${end(p.dst, p.dstPort)}: ${p.info}` : `${p.proto} ${p.info}`;
  return [head, ...p.inner].join('\n');
}

/** Drop rules and DROP policies whose packet counters grew between two `iptables-save -c` of one node. */
export function dropDeltas(before: string, after: string): Drop[] {
  const [b, a] = [parseIptablesSave(before), parseIptablesSave(after)];
  const drops: Drop[] = [];
  const seen = new Map<string, number>();
  for (const r of a.rules) {
    if (r.target !== 'DROP' && r.target !== 'REJECT') continue;
    // The n-th identical rule of a chain before is the n-th after.
    const key = `${r.chain} ${r.text}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const old = b.rules.filter((x) => `${x.chain} ${x.text}` === key)[n];
    const grew = (r.packets ?? 0) - (old?.packets ?? 0);
    if (grew > 0) drops.push({ chain: r.chain, rule: r.text, packets: grew });
  }
  for (const c of a.chains) {
    if (c.policy !== 'DROP') continue;
    const grew = (c.packets ?? 0) - (b.chains.find((x) => x.name === c.name)?.packets ?? 0);
    if (grew > 0) drops.push({ chain: c.name, rule: 'policy DROP', packets: grew });
  }
  return drops;
}

const BUILT_IN = new Set(['INPUT', 'FORWARD', 'OUTPUT']);

/**
 * A node's drop deltas, parsed once per reading: a path crosses several filter hops of one node (FORWARD, INPUT), and
 * the pairs traced at once share the node's reading (trace.ts tracePairs).
 */
const parsedDrops = new WeakMap<TraceReadings['iptables'][string], Drop[]>();
function dropsOfReading(ipt: TraceReadings['iptables'][string]): Drop[] {
  let drops = parsedDrops.get(ipt);
  if (!drops) parsedDrops.set(ipt, (drops = dropDeltas(ipt.before, ipt.after)));
  return drops;
}

/** What the trace saw at each hop, from what it read (pure). `packetBytes`: the IP size of the traced ICMP packets. */
export function observeHops(hops: Hop[], readings: TraceReadings, o: { probe: TracedProbe; src: string; dst: string; icmpPayload: number }): ObservedHop[] {
  const packets = new Map<string, string[]>();
  const routeOf = new Map<string, ReturnType<typeof parseIpRoute>[number]>();
  const nodeDrops = (node: string): Drop[] => {
    const ipt = readings.iptables[node];
    return ipt ? dropsOfReading(ipt) : [];
  };
  return hops.map((hop): ObservedHop => {
    if (hop.capture) {
      const key = captureKey(hop);
      if (!packets.has(key)) {
        const captured = parseTcpdumpWithUnparsed(readings.captures[key] ?? '').value;
        packets.set(key, captured.filter((p) => !readings.cutoff || secondsOfDay(p.time) <= secondsOfDay(readings.cutoff)).map(packetText));
      }
      const pattern = packetPattern(o.probe, o.src, o.dst, hop.leg, o.icmpPayload);
      const matching = packets.get(key)!.filter((t) => pattern.test(t));
      return { ...hop, outcome: { kind: 'seen', count: matching.length, ...(matching[0] ? { sample: matching[0].replace(/\n/g, ' / ') } : {}), ...capturedState(hop, readings, o) } };
    }
    if (hop.route) {
      const text = (readings.routes[routeKey(hop)] ?? '').trim();
      const route = /^RTNETLINK|^Error/m.test(text) ? undefined : parseIpRoute(text)[0];
      if (route) routeOf.set(`${hop.leg} ${hop.node}`, route);
      return { ...hop, outcome: routeOutcome(hop, text, route) };
    }
    if (hop.encap) return { ...hop, outcome: encapOutcome(hop, readings, routeOf.get(`${hop.leg} ${hop.node}`)) };
    const drops = nodeDrops(hop.node).filter((d) => d.chain === hop.chain || !BUILT_IN.has(d.chain));
    return { ...hop, outcome: { kind: 'drops', drops } };
  });
}

function routeOutcome(hop: Hop, text: string, route: ReturnType<typeof parseIpRoute>[number] | undefined): HopOutcome {
  const r = hop.route!;
  const ask = `ip route get ${r.to} from ${r.from} iif ${r.iif}`;
  if (!route) return { kind: 'decision', problem: `${ask} fails: "${text.split('\n')[0] || 'no output'}"`, detail: text };
  if (route.type !== 'unicast') return { kind: 'decision', problem: `${ask} gives a ${route.type} route "${route.raw}"`, detail: text };
  if (route.dev !== hop.route!.expectDev) return { kind: 'decision', problem: `${ask} goes out of ${route.dev ?? '(no device)'}, not ${r.expectDev}: "${route.raw}"`, detail: text };
  if (r.expectVia && route.via !== r.expectVia.address) {
    const via = route.via ? `via ${route.via}` : `straight out of ${route.dev} (no gateway)`;
    return { kind: 'decision', problem: `${ask} goes ${via}, not via ${r.expectVia.address} (${r.expectVia.node}): "${route.raw}"`, detail: text };
  }
  return { kind: 'decision', detail: text };
}

/** VXLAN: the route's next hop resolves (permanent neighbour) to a VTEP MAC whose fdb entry sends to the target's node. */
function encapOutcome(hop: Hop, readings: TraceReadings, route: ReturnType<typeof parseIpRoute>[number] | undefined): HopOutcome {
  const dev = hop.device!;
  if (!route?.via) return { kind: 'decision', detail: `no routed next hop through ${dev} to check` };
  const neighbour = parseIpNeigh(readings.neighbours[hop.node] ?? '').find((n) => n.address === route.via && n.dev === dev);
  if (!neighbour?.lladdr) return { kind: 'decision', problem: `no neighbour entry for the next hop ${route.via} on ${dev}`, detail: neighbour?.raw ?? '(none)' };
  let entries: ReturnType<typeof parseBridgeFdb> = [];
  try { entries = parseBridgeFdb(readings.fdb[hop.node] ?? ''); } catch (e) { return { kind: 'decision', detail: (e as Error).message }; }
  const entry = entries.find((e) => e.mac === neighbour.lladdr && e.dst);
  const what = `${route.via} is ${neighbour.lladdr} on ${dev}`;
  if (!entry) return { kind: 'decision', problem: `${what}, and no fdb entry sends that MAC anywhere`, detail: readings.fdb[hop.node] ?? '' };
  if (entry.dst !== hop.encap!.expectDst) return { kind: 'decision', problem: `${what}, whose fdb entry sends to ${entry.dst}, not ${hop.encap!.expectDst} (the target's node)`, detail: JSON.stringify(entry) };
  return { kind: 'decision', detail: `${what}, fdb dst ${entry.dst}` };
}

/** For a device a packet leaves by: an unresolved neighbour on it; for full-size packets, the device's MTU when smaller. */
function capturedState(hop: Hop, readings: TraceReadings, o: { probe: TracedProbe; icmpPayload: number }): { neighbourProblem?: string; mtu?: number } {
  const out: { neighbourProblem?: string; mtu?: number } = {};
  const netns = netnsOf(hop);
  if (hop.peer) {
    const bad = parseIpNeigh(readings.neighbours[netns] ?? '').find((n) => n.dev === hop.device && (n.state === 'FAILED' || n.state === 'INCOMPLETE'));
    if (bad) out.neighbourProblem = `${hop.pod && hop.kind === 'pod-eth0' ? `${hop.pod}` : hop.node} cannot resolve ${bad.address} on ${hop.device} (${bad.state})`;
  }
  if (o.probe === 'fullSize') {
    const mtu = parseIpLink(readings.links[netns] ?? '').find((l) => l.name === hop.device)?.mtu;
    if (mtu !== undefined && mtu < o.icmpPayload + 28) out.mtu = mtu;
  }
  return out;
}
