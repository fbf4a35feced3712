import { randomBytes } from 'node:crypto';
import type { HopPlan } from '../../clusters/lab/hop-plan.ts';
import type { ClusterHandle, NodeHandle, PodHandle } from '../../clusters/types.ts';
import { parseIpAddr } from '../parsers/ip-addr.ts';
import { parseIpLink } from '../parsers/ip-link.ts';
import { ALIVE, tcpdumpCommand } from '../probes/capture.ts';
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

/** The terms of a capture's pcap filter (joined by "or"): the pair's packets, and on the underlay the tunnel's packets first. */
function filterOf(hop: Hop, plan: HopPlan, a: string, b: string): string[] {
  const pair = `(host ${a} and host ${b})`;
  if (hop.kind !== 'underlay' || !plan.tunnel) return [pair];
  return [plan.tunnel.encap === 'vxlan' ? `udp port ${plan.tunnel.port}` : 'ip proto 4', pair];
}

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
  const underlay = parseIpAddr(addrs).find((a) => a.family === 'inet' && a.address === nodeAddress)?.iface;
  if (!hostVeth || !underlay) {
    throw new Error(`failed to trace ${pod.name}: ${!hostVeth ? `no link on ${node.name} is the peer of its eth0 (${eth0.trim() || r.stderr.trim()})` : `no interface on ${node.name} holds ${nodeAddress}`}`);
  }
  return { pod: pod.name, node: node.name, address: pod.addresses[0] ?? '', hostVeth, underlay, nodeAddress };
}

/** One capture of a trace: a device (captureKey) and its command. */
export interface HopCapture { key: string; command: string }

interface NodeCaptures {
  node: NodeHandle;
  captures: HopCapture[];
  dir?: string;
}

/**
 * The captures of pairs traced at once, per node: one per device (captureKey), whose filter takes the packets of every
 * pair through it (the tunnel's own packets once, then each pair's); one pair's are its own filters, as filterOf says.
 */
export function capturePlan(plan: HopPlan, paths: ReadonlyArray<{ a: PathEnd; b: PathEnd; hops: Hop[] }>): Map<string, HopCapture[]> {
  const byNode = new Map<string, Array<{ key: string; hop: Hop; terms: string[] }>>();
  for (const { a, b, hops } of paths) {
    for (const hop of hops.filter((h) => h.capture)) {
      const list = byNode.get(hop.node) ?? byNode.set(hop.node, []).get(hop.node)!;
      const key = captureKey(hop);
      const capture = list.find((c) => c.key === key) ?? list[list.push({ key, hop, terms: [] }) - 1]!;
      for (const term of filterOf(hop, plan, a.address, b.address)) if (!capture.terms.includes(term)) capture.terms.push(term);
    }
  }
  return new Map([...byNode].map(([node, list]) => [node, list.map(({ key, hop, terms }): HopCapture => {
    const decodeAs = hop.kind === 'underlay' && plan.tunnel?.encap === 'vxlan' && plan.tunnel.port !== 4789 ? 'vxlan' : undefined;
    const ns = hop.capture!.netns ? `ip netns exec ${word(hop.capture!.netns)} ` : '';
    return { key, command: `${ns}${tcpdumpCommand({ iface: hop.capture!.device, filter: terms.join(' or '), count: 1000, seconds: CAPTURE_BOUND_S, ...(decodeAs ? { decodeAs } : {}) })}` };
  })]));
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

/** A failing pair and probe to trace. */
export interface TraceRequest {
  from: PodHandle;
  to: PodHandle;
  probe: TracedProbe;
  /** ICMP payload bytes of the traced pings (the probe's size). */
  icmpPayload: number;
}

/** The trace of one requested pair, its evidence, and what it read (for fixtures); or why it could not run. */
export type TraceResult = { trace: HopTrace; raw: Record<string, string>; recorded?: RecordedTrace } | { error: Error };

/**
 * Traces failing pairs and probes on the lab, all at once: one capture per hop device, whose filter takes every traced
 * pair's packets (one exec per node starts them all, and one stops them), the filter counters read once per node before
 * and after, and every pair's client at the same time; then each pair is judged on its own packets (packetPattern
 * matches its addresses and direction) and the first hop where they are not seen is named (locate.ts). A drop counter
 * is the node's: with several pairs traced at once it counts all of theirs, and the located line says so. `raw` is each
 * pair's evidence; the captures and counters, shared, go to the first pair whose path has them.
 */
export async function tracePairs(cluster: ClusterHandle, plan: HopPlan, requests: TraceRequest[]): Promise<TraceResult[]> {
  const results: TraceResult[] = requests.map(() => ({ error: new Error('not traced') }));
  // Each pod's end once, even when several pairs share it.
  const pods = [...new Map(requests.flatMap((r) => [r.from, r.to]).map((p) => [p.name, p])).values()];
  const endsByPod = new Map(await Promise.all(pods.map(async (p) => [p.name, await endOf(cluster, p).catch((e: unknown) => e as Error)] as const)));
  const traced: Array<{ i: number; request: TraceRequest; a: PathEnd; b: PathEnd; hops: Hop[]; label: string; argv: string[] }> = [];
  requests.forEach((request, i) => {
    const [a, b] = [endsByPod.get(request.from.name), endsByPod.get(request.to.name)];
    if (a instanceof Error || b instanceof Error || !a || !b) { results[i] = { error: (a instanceof Error ? a : b) as Error }; return; }
    const label = `hop trace ${request.from.name} -> ${request.to.name} ${PROBE_NAMES[request.probe]}`;
    traced.push({ i, request, a, b, hops: pairHops(plan, a, b), label, argv: clientArgv(request.probe, b.address, request.icmpPayload) });
  });
  if (traced.length === 0) return results;
  const nodes = [...capturePlan(plan, traced)].map(([name, captures]): NodeCaptures => ({ node: cluster.node(name), captures }));
  // A full-size trace starts from no learnt path MTU: the failed probe's "frag needed" left one in the source's route
  // cache, and ping would refuse locally what the trace must see die on the path.
  await Promise.all(traced.filter((t) => t.request.probe === 'fullSize').map((t) => t.request.from.exec(['ip', 'route', 'flush', 'cache'])));
  const started = await Promise.allSettled(nodes.map(startNode));
  const allStarted = started.every((s) => s.status === 'fulfilled');
  const clients = allStarted ? await Promise.allSettled(traced.map((t) => t.request.from.exec(t.argv))) : [];
  const readings: TraceReadings = { captures: {}, iptables: {}, routes: {}, neighbours: {}, links: {}, fdb: {} };
  const shared: Array<{ node: string; key: string; text: string }> = [];
  await Promise.all(nodes.filter((n) => n.dir).map(async (n) => {
    const mine = traced.flatMap((t) => t.hops).filter((h) => h.node === n.node.name);
    const netns = [...new Set(mine.flatMap((h) => (h.capture?.netns ? [h.capture.netns] : [])))];
    const reads = new Map<string, string>([
      ...mine.filter((h) => h.route).map((h): [string, string] => [routeKey(h), routeArgv(h).join(' ')]),
      [`neigh ${n.node.name}`, 'ip -4 neigh show'], [`links ${n.node.name}`, 'ip link show'],
      ...netns.flatMap((p): Array<[string, string]> => [[`neigh ${p}`, `ip netns exec ${word(p)} ip -4 neigh show`], [`links ${p}`, `ip netns exec ${word(p)} ip link show`]]),
      ...(plan.tunnel?.encap === 'vxlan' ? [[`fdb ${n.node.name}`, `bridge -j fdb show dev ${plan.tunnel.device}`] as [string, string]] : []),
    ]);
    const out = await stopNode(n, [...reads]);
    const node = n.node.name;
    for (const c of n.captures) { readings.captures[c.key] = out.get(c.key) ?? ''; shared.push({ node, key: `${node}: ${c.command}`, text: out.get(c.key) ?? '(no output)' }); }
    const cutoff = out.get('cutoff')?.trim();
    if (cutoff && (!readings.cutoff || cutoff < readings.cutoff)) readings.cutoff = cutoff;
    readings.iptables[n.node.name] = { before: out.get('iptables-before') ?? '', after: out.get('iptables-after') ?? '' };
    for (const key of reads.keys()) {
      const text = out.get(key) ?? '';
      if (key.startsWith('neigh ')) readings.neighbours[key.slice(6)] = text;
      else if (key.startsWith('links ')) readings.links[key.slice(6)] = text;
      else if (key.startsWith('fdb ')) readings.fdb[key.slice(4)] = text;
      else readings.routes[key] = text;
      shared.push({ node, key, text });
    }
    shared.push({ node, key: `${node}: iptables-save -c -t filter before and after`, text: `${out.get('iptables-before') ?? ''}\n--- after ---\n${out.get('iptables-after') ?? ''}` });
  }));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const attached = new Set<string>();
  for (const [k, t] of traced.entries()) {
    const { request: { from, to, probe, icmpPayload }, a, b, hops, label } = t;
    // Evidence of the nodes and devices on this pair's path, said once (under the first pair that has it).
    const raw: Record<string, string> = {};
    for (const { node, key, text } of shared) {
      if (attached.has(key) || (node !== a.node && node !== b.node)) continue;
      attached.add(key);
      raw[`${label}: ${key}`] = text;
    }
    const client = clients[k];
    if (failed || client?.status !== 'fulfilled') {
      const why = failed ? (failed.reason as Error).message : client?.status === 'rejected' ? (client.reason as Error).message : 'no client';
      results[t.i] = { trace: { from: from.name, to: to.name, probe, hops: [], notLocated: `the trace could not run: ${why}` }, raw };
      continue;
    }
    raw[`${label}: ${from.name}: ${t.argv.join(' ')}`] = `${client.value.stdout}${client.value.stderr}\n(exit ${client.value.exitCode})`;
    const sent = probe === 'burst' || probe === 'fullSize' ? icmpRun(`${client.value.stdout}\n${client.value.stderr}`).counted.sent : 1;
    const recorded: RecordedTrace = { ends: [a, b], sent, readings };
    const trace = judgeTrace(hops, recorded, { probe, icmpPayload }, traced.length);
    raw[label] = hopTable(trace.hops, trace.location?.text);
    results[t.i] = { trace, raw, recorded };
  }
  return results;
}

const nodeCounters = (pairs: number) => `the node's counters, over the ${pairs} pairs traced at once`;

/**
 * Judges what a trace read (live, or a recording): what each hop of the pair saw or decided, and the first hop where
 * the packets are not seen (locate.ts). `pairsAtOnce` > 1: a filter chain's counters were the node's, over all of them.
 */
export function judgeTrace(hops: Hop[], r: RecordedTrace, p: { probe: TracedProbe; icmpPayload: number }, pairsAtOnce = 1): HopTrace {
  const [a, b] = r.ends;
  const observed = observeHops(hops, r.readings, { probe: p.probe, src: a.address, dst: b.address, icmpPayload: p.icmpPayload });
  const found = locateLoss(observed, r.sent);
  const location = found && found.at.chain && pairsAtOnce > 1 ? { ...found, text: `${found.text} [${nodeCounters(pairsAtOnce)}]` } : found;
  return { from: a.pod, to: b.pod, probe: p.probe, hops: observed, ...(location ? { location } : { notLocated: 'every hop saw the traced packets: the trace did not reproduce the loss' }) };
}

export const PROBE_NAMES: Record<TracedProbe, string> = { burst: 'ICMP', fullSize: 'full-size ICMP with DF', tcp: 'TCP', udp: 'UDP' };

/** "pod-a1 -> pod-b1 TCP": how a traced failure is named in check messages and on the topology picture. */
export const failureName = (f: { from: string; to: string; probe: TracedProbe }): string => `${f.from} -> ${f.to} ${PROBE_NAMES[f.probe]}`;

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
