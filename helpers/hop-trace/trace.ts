import { randomBytes } from 'node:crypto';
import type { HopPlan } from '../../clusters/lab/hop-plan.ts';
import type { ClusterHandle, NodeHandle, PodHandle } from '../../clusters/types.ts';
import { parseIpLink } from '../parsers/ip-link.ts';
import { icmpRun, pingArgv, POD_UDP_PORT, tcpArgv } from '../probes/traffic.ts';
import { udpClientArgv } from '../probes/udp-client.ts';
import { locateLoss } from './locate.ts';
import { captureKey, netnsOf, observeHops, routeArgv, routeKey, type TraceReadings } from './observe.ts';
import { hopLabel, pairHops, type PathEnd } from './path.ts';
import type { Hop, HopTrace, ObservedHop, TracedProbe } from './types.ts';

/**
 * The traced client: a few packets of the failing protocol, with deadlines long enough that a packet that is not lost
 * arrives (lab RTTs are below 4 ms, traffic.ts LAB_TRAFFIC): 10 echo requests 20 ms apart waiting 1 s for the last
 * replies (of the probe's size; full size with DF), one HTTP request whose SYN is sent again after 1 s (Linux's initial
 * RTO) within its 2 s connect timeout, one UDP datagram waiting 1 s. Nothing else travels between the pair meanwhile.
 */
const PINGS = 10;
function clientArgv(probe: TracedProbe, target: string, icmpPayload: number): string[] {
  if (probe === 'tcp') return tcpArgv(target, { connectS: 2, replyS: 3 });
  if (probe === 'udp') return udpClientArgv(target, POD_UDP_PORT, 1);
  return pingArgv(target, { count: PINGS, intervalS: 0.02, waitS: 1, payload: icmpPayload, ...(probe === 'fullSize' ? { df: true } : {}) });
}

/** What a trace read, enough to judge it again (the unit tests' fixtures are such recordings). */
export interface RecordedTrace {
  ends: [PathEnd, PathEnd];
  /** Packets the traced client counted as sent. */
  sent: number;
  readings: TraceReadings;
}

/**
 * tcpdump's bound: the trace ends it sooner with SIGTERM, which tcpdump handles (tcpdump.c@tcpdump-4.99.3: cleanup breaks
 * the capture loop, pcap_breakloop); with -l each packet's line was already written as it came.
 */
const CAPTURE_BOUND_S = 30;

/** The pcap filter of a capture: the pair's packets, and on the underlay the tunnel's packets as well. */
function filterOf(hop: Hop, plan: HopPlan, a: string, b: string): string {
  const pair = `(host ${a} and host ${b})`;
  if (hop.kind !== 'underlay' || !plan.tunnel) return pair;
  return plan.tunnel.encap === 'vxlan' ? `udp port ${plan.tunnel.port} or ${pair}` : `ip proto 4 or ${pair}`;
}

// The node's PID 1 never reaps, so an ended capture lingers as a zombie: alive = exists and not Z (as capture.ts).
const ALIVE = `alive() { s=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' /proc/$1/status 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }`;

const word = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Reads a pod's end of the path on its node: the host veth is the node's link whose index is eth0's peer. iproute2
 * prints a link whose peer is in another netns as `eth0@if<index>` (print_name_and_link, lib/utils.c@v6.1.0, with
 * ll_idx_n2a of lib/ll_map.c), which parseIpLink keeps as `peer`.
 */
async function endOf(cluster: ClusterHandle, pod: PodHandle): Promise<PathEnd> {
  const node = cluster.node(pod.node);
  const r = await node.exec(['sh', '-c', `ip link show; echo ==; ip -4 -o addr show; echo ==; ip netns exec ${word(pod.name)} ip link show dev eth0`]);
  const [links = '', addrs = '', eth0 = ''] = r.stdout.split('\n==\n');
  const peer = /^if(\d+)$/.exec(parseIpLink(eth0)[0]?.peer ?? '')?.[1];
  const hostVeth = parseIpLink(links).find((l) => String(l.index) === peer)?.name;
  const nodeAddress = node.addresses[0]?.split('/')[0] ?? '';
  const underlay = addrs.split('\n').map((l) => /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(l)).find((m) => m && m[2] === nodeAddress)?.[1];
  if (!hostVeth || !underlay) {
    throw new Error(`failed to trace ${pod.name}: ${!hostVeth ? `no link on ${node.name} is the peer of its eth0 (${eth0.trim() || r.stderr.trim()})` : `no interface on ${node.name} holds ${nodeAddress}`}`);
  }
  return { pod: pod.name, node: node.name, address: pod.addresses[0] ?? '', hostVeth, underlay, nodeAddress };
}

interface NodeCaptures {
  node: NodeHandle;
  captures: Array<{ key: string; command: string }>;
  dir?: string;
}

/** Starts every capture of one node at once (pods' through `ip netns exec`) after reading its filter counters; returns once each listens. */
async function startNode(n: NodeCaptures): Promise<void> {
  const lines = ['d=$(mktemp -d /tmp/cc-hop-XXXXXX)', 'echo "$d"', 'iptables-save -c -t filter >"$d/ipt.before" 2>&1'];
  n.captures.forEach((c, i) => lines.push(`${c.command} >"$d/c${i}.out" 2>"$d/c${i}.err" </dev/null & echo $! >"$d/c${i}.pid"`));
  // tcpdump prints "listening on" once its filter is set (tcpdump.c@tcpdump-4.99.3), as capture.ts waits for it; 5 s at most.
  lines.push(`i=0; while :; do n=0; for f in "$d"/c*.err; do grep -q 'listening on' "$f" && n=$((n+1)); done; [ $n -ge ${n.captures.length} ] && break; i=$((i+1)); [ $i -ge 500 ] && { cat "$d"/c*.err; exit 4; }; sleep 0.01; done`);
  const r = await n.node.exec(['sh', '-c', lines.join('\n')]);
  n.dir = r.stdout.split('\n')[0]?.trim();
  if (r.exitCode !== 0 || !n.dir?.startsWith('/tmp/cc-hop-')) throw new Error(`failed to trace on ${n.node.name}: captures did not start (exit ${r.exitCode}): ${(r.stdout + r.stderr).trim().slice(0, 400)}`);
}

/**
 * Stops the node's captures (SIGTERM to every tcpdump it started, awaited) and prints, each after a marker line: every
 * capture, the filter counters after, and the state the hops are judged by (route lookups, neighbours, links, fdb).
 */
async function stopNode(n: NodeCaptures, reads: Array<[string, string]>): Promise<Map<string, string>> {
  const token = `==hop-${randomBytes(4).toString('hex')}==`;
  const d = n.dir!;
  const lines = [
    // The moment before any capture of this node stops (tcpdump's own clock format), see TraceReadings.cutoff.
    `echo '${token} cutoff'; date +%H:%M:%S.%N`,
    ALIVE,
    // SIGTERM to each capture's timeout (which hands it to tcpdump), then wait until none is alive (10 ms looks, 3 s at most).
    `for f in "${d}"/c*.pid; do kill -TERM "$(cat "$f")" 2>/dev/null; done`,
    `i=0; for f in "${d}"/c*.pid; do while alive "$(cat "$f")"; do i=$((i+1)); [ $i -ge 300 ] && break; sleep 0.01; done; done`,
    ...n.captures.map((c, i) => `echo '${token} ${c.key}'; cat "${d}/c${i}.out" "${d}/c${i}.err"`),
    `echo '${token} iptables-before'; cat "${d}/ipt.before"`,
    `echo '${token} iptables-after'; iptables-save -c -t filter 2>&1`,
    ...reads.map(([key, cmd]) => `echo '${token} ${key}'; ${cmd} 2>&1`),
    `rm -rf "${d}"`,
  ];
  const r = await n.node.exec(['sh', '-c', lines.join('\n')]);
  const out = new Map<string, string>();
  let key: string | undefined;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith(`${token} `)) { key = line.slice(token.length + 1); out.set(key, ''); continue; }
    if (key !== undefined) out.set(key, `${out.get(key)}${line}\n`);
  }
  return out;
}

/**
 * Traces one failing pair and probe on the lab: captures at every hop of the pair (both legs) run at once, one exec per
 * node, while the source pod sends a few packets of the failing protocol; then each hop is judged from what it saw and
 * what its node decided, and the first hop where the packets are not seen is named (locate.ts). `raw` is the evidence.
 */
export async function traceHops(cluster: ClusterHandle, plan: HopPlan, from: PodHandle, to: PodHandle, probe: TracedProbe, o: { icmpPayload: number }): Promise<{ trace: HopTrace; raw: Record<string, string>; recorded?: RecordedTrace }> {
  const [a, b] = await Promise.all([endOf(cluster, from), endOf(cluster, to)]);
  const hops = pairHops(plan, a, b);
  const nodes = [...new Set([a.node, b.node])].map((name): NodeCaptures => ({ node: cluster.node(name), captures: [] }));
  for (const hop of hops.filter((h) => h.capture)) {
    const n = nodes.find((x) => x.node.name === hop.node)!;
    const key = captureKey(hop);
    if (n.captures.some((c) => c.key === key)) continue;
    const decode = hop.kind === 'underlay' && plan.tunnel?.encap === 'vxlan' && plan.tunnel.port !== 4789 ? '-T vxlan ' : '';
    const ns = hop.capture!.netns ? `ip netns exec ${word(hop.capture!.netns)} ` : '';
    n.captures.push({ key, command: `${ns}timeout ${CAPTURE_BOUND_S} tcpdump -lnn --immediate-mode ${decode}-i ${hop.capture!.device} -c 1000 ${word(filterOf(hop, plan, a.address, b.address))}` });
  }
  const label = `hop trace ${from.name} -> ${to.name} ${PROBE_NAMES[probe]}`;
  // A full-size trace starts from no learnt path MTU: the failed probe's "frag needed" left one in the source's route
  // cache, and ping would refuse locally what the trace must see die on the path.
  if (probe === 'fullSize') await from.exec(['ip', 'route', 'flush', 'cache']);
  const started = await Promise.allSettled(nodes.map(startNode));
  const argv = clientArgv(probe, b.address, o.icmpPayload);
  const client = started.every((s) => s.status === 'fulfilled') ? await from.exec(argv) : undefined;
  const readings: TraceReadings = { captures: {}, iptables: {}, routes: {}, neighbours: {}, links: {}, fdb: {} };
  const raw: Record<string, string> = {};
  await Promise.all(nodes.filter((n) => n.dir).map(async (n) => {
    const mine = hops.filter((h) => h.node === n.node.name);
    const pods = [...new Set(mine.flatMap((h) => (h.capture?.netns ? [h.capture.netns] : [])))];
    const reads: Array<[string, string]> = [
      ...mine.filter((h) => h.route).map((h): [string, string] => [routeKey(h), routeArgv(h).join(' ')]),
      [`neigh ${n.node.name}`, 'ip -4 neigh show'], [`links ${n.node.name}`, 'ip link show'],
      ...pods.flatMap((p): Array<[string, string]> => [[`neigh ${p}`, `ip netns exec ${word(p)} ip -4 neigh show`], [`links ${p}`, `ip netns exec ${word(p)} ip link show`]]),
      ...(plan.tunnel?.encap === 'vxlan' ? [[`fdb ${n.node.name}`, `bridge -j fdb show dev ${plan.tunnel.device}`] as [string, string]] : []),
    ];
    const out = await stopNode(n, reads);
    for (const c of n.captures) { readings.captures[c.key] = out.get(c.key) ?? ''; raw[`${label}: ${n.node.name}: ${c.command}`] = out.get(c.key) ?? '(no output)'; }
    const cutoff = out.get('cutoff')?.trim();
    if (cutoff && (!readings.cutoff || cutoff < readings.cutoff)) readings.cutoff = cutoff;
    readings.iptables[n.node.name] = { before: out.get('iptables-before') ?? '', after: out.get('iptables-after') ?? '' };
    for (const [key] of reads) {
      const text = out.get(key) ?? '';
      if (key.startsWith('neigh ')) readings.neighbours[key.slice(6)] = text;
      else if (key.startsWith('links ')) readings.links[key.slice(6)] = text;
      else if (key.startsWith('fdb ')) readings.fdb[key.slice(4)] = text;
      else readings.routes[key] = text;
      raw[`${label}: ${key}`] = text;
    }
    raw[`${label}: ${n.node.name}: iptables-save -c -t filter before and after`] = `${out.get('iptables-before') ?? ''}\n--- after ---\n${out.get('iptables-after') ?? ''}`;
  }));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed || !client) {
    return { trace: { from: from.name, to: to.name, probe, hops: [], notLocated: `the trace could not run: ${(failed?.reason as Error | undefined)?.message ?? 'no client'}` }, raw };
  }
  raw[`${label}: ${from.name}: ${argv.join(' ')}`] = `${client.stdout}${client.stderr}\n(exit ${client.exitCode})`;
  const sent = probe === 'burst' || probe === 'fullSize' ? icmpRun(`${client.stdout}\n${client.stderr}`).counted.sent : 1;
  const observed = observeHops(hops, readings, { probe, src: a.address, dst: b.address, icmpPayload: o.icmpPayload });
  const location = locateLoss(observed, sent);
  raw[label] = hopTable(observed, location?.text);
  const trace: HopTrace = { from: from.name, to: to.name, probe, hops: observed, ...(location ? { location } : { notLocated: 'every hop saw the traced packets: the trace did not reproduce the loss' }) };
  return { trace, raw, recorded: { ends: [a, b], sent, readings } };
}

export const PROBE_NAMES: Record<TracedProbe, string> = { burst: 'ICMP', fullSize: 'full-size ICMP with DF', tcp: 'TCP', udp: 'UDP' };

/** One line per hop, in order: what it saw or decided; the located loss last. */
export function hopTable(hops: ObservedHop[], located?: string): string {
  const lines = hops.map((h, i) => {
    const o = h.outcome;
    const what = o.kind === 'seen' ? `${o.count} seen${o.sample ? `, e.g. ${o.sample}` : ''}${o.neighbourProblem ? `; ${o.neighbourProblem}` : ''}${o.mtu ? `; MTU ${o.mtu}` : ''}`
      : o.kind === 'decision' ? (o.problem ?? `ok: ${o.detail.split('\n')[0]}`)
        : o.drops.length ? o.drops.map((d) => `${d.chain} dropped ${d.packets}: ${d.rule}`).join('; ') : 'no drop counters grew';
    return `${String(i + 1).padStart(2)}. ${h.leg.padEnd(7)} ${hopLabel(h)}${h.kind === 'tunnel' && !h.capture ? ' (encapsulation)' : ''} [${netnsOf(h)}]: ${what}`;
  });
  return [...lines, '', located ? `located: ${located}` : 'not located: every hop saw the traced packets'].join('\n');
}
