import type { ClusterHandle, NodeHandle, PodHandle } from '../clusters/types.ts';
import type { CapturedPacket } from '../helpers/parsers/tcpdump.ts';
import { parseIpRoute, type Route } from '../helpers/parsers/ip-route.ts';
import { parsePing, type PingSummary } from '../helpers/parsers/ping.ts';
import { captureDuring } from '../helpers/probes/capture.ts';
import { runBatch } from '../helpers/probes/traffic-batch.ts';
import { pollUntilDone } from '../helpers/probes/poll.ts';
import { failureName } from '../helpers/hop-trace/trace.ts';
import type { TracedLoss } from '../helpers/hop-trace/types.ts';
import { locateFailed, type Tracer } from './locate-failures.ts';
import type { Breakage, ProbeOptions } from './types.ts';

/**
 * The kernel's own decision for pod traffic leaving a node: `ip -4 route get <remote pod> from <local pod> iif <host side>`
 * is the forwarding lookup the kernel does for a packet the local pod sends (policy rules, every table, ip_forward),
 * not a match of the main table by exact destination.
 */
export interface PathLookup {
  node: string;
  fromPod: string;
  from: string;
  /** The host side of the local pod (cali*, cni0), from `ip route get <local pod>`. */
  iif?: string;
  toPod: string;
  to: string;
  toNode: string;
  route?: Route;
  /** What the lookup printed when it failed (e.g. "RTNETLINK answers: No route to host"). */
  error?: string;
}

const remotePairs = (cluster: ClusterHandle) => cluster.pods.flatMap((from) =>
  cluster.pods.filter((to) => to.node !== from.node && from.addresses[0] && to.addresses[0]).map((to) => ({ from, to })));

/**
 * One forwarding lookup per (local pod, remote pod) on the local pod's node: per node one exec for the host sides of its
 * pods, then one for all its lookups (runBatch), every node at once; the lookups change nothing.
 */
export async function probePathLookups(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: PathLookup[] }> {
  const raw: Record<string, string> = {};
  const pairs = remotePairs(cluster);
  const perNode = await Promise.all(cluster.nodes.map(async (node) => {
    const mine = pairs.filter((p) => p.from.node === node.name);
    const local = [...new Map(mine.map((p) => [p.from.name, p.from])).values()];
    const iifRuns = await runBatch(node, local.map((from): [string, string[]] => [from.name, ['ip', '-4', 'route', 'get', from.addresses[0]!]]));
    const iifs = new Map(local.map((from) => {
      const r = iifRuns.get(from.name)!;
      raw[`${node.name}: ${r.command}`] = r.stdout || r.stderr;
      return [from.name, r.exitCode === 0 ? parseIpRoute(r.stdout)[0]?.dev : undefined];
    }));
    const lookups = mine.map(({ from, to }) => {
      const iif = iifs.get(from.name);
      return { from, to, iif, argv: ['ip', '-4', 'route', 'get', to.addresses[0]!, 'from', from.addresses[0]!, ...(iif ? ['iif', iif] : [])] };
    });
    const runs = await runBatch(node, lookups.map((l): [string, string[]] => [`${l.from.name} ${l.to.name}`, l.argv]));
    return lookups.map(({ from, to, iif, argv }) => {
      const r = runs.get(`${from.name} ${to.name}`)!;
      const text = [r.stdout, r.stderr].filter(Boolean).join('\n').trim();
      raw[`${node.name}: ${argv.join(' ')}`] = text || `(exit ${r.exitCode})`;
      return lookupOf({ node: from.node, fromPod: from.name, from: from.addresses[0]!, ...(iif ? { iif } : {}), toPod: to.name, to: to.addresses[0]!, toNode: to.node }, text || `exit ${r.exitCode}`);
    });
  }));
  // In the order of the pairs, as before.
  const all = perNode.flat();
  return { raw, value: pairs.map(({ from, to }) => all.find((l) => l.fromPod === from.name && l.toPod === to.name)!) };
}

/** A lookup from what `ip route get` printed: its route, or (RTNETLINK error, nothing parsable) the text as the error. */
export function lookupOf(meta: Omit<PathLookup, 'route' | 'error'>, text: string): PathLookup {
  const route = /^RTNETLINK|^Error/m.test(text) ? undefined : parseIpRoute(text)[0];
  return route ? { ...meta, route } : { ...meta, error: text.trim().split('\n')[0] ?? '' };
}

/** What the CNI's lookup must give for a remote pod: out of `dev`, via `via` (onlink into a tunnel where set). */
export interface PathWant { dev: string; via?: string; onlink?: boolean }

export function pathProblems(lookups: PathLookup[], want: (l: PathLookup) => PathWant | undefined): string[] {
  return lookups.flatMap((l) => {
    const w = want(l);
    const what = `node ${l.node}: kernel lookup for ${l.fromPod} (${l.from}) -> ${l.toPod} (${l.to}) on ${l.toNode}`;
    if (!w) return [`${what}: no expectation (${l.toNode} has no known tunnel endpoint)`];
    const expected = `expected via ${w.via ?? '(none)'} dev ${w.dev}${w.onlink ? ' onlink' : ''}`;
    if (l.error) return [`${what} fails: "${l.error}", ${expected}`];
    const r = l.route!;
    if (r.type !== 'unicast') return [`${what} gives a ${r.type} route "${r.raw}", ${expected}`];
    if (r.dev !== w.dev || (w.via !== undefined && r.via !== w.via)) return [`${what} goes via ${r.via ?? '(none)'} dev ${r.dev ?? '(none)'}, ${expected}`];
    return [];
  });
}

/** The encapsulation a capture on the underlay must show for cross-node pod traffic. */
export type Encap = { kind: 'vxlan'; vni: number; port: number } | { kind: 'ipip' };

/** Per sending node: the pings its first pod sent to every remote pod, and what the node's underlay carried meanwhile. */
export interface UnderlayCapture {
  node: string;
  iface: string;
  /** Each remote pod pinged from `fromPod`. */
  pings: Array<{
    fromPod: string; from: string; toPod: string; to: string; summary?: PingSummary;
    /** The lost pings traced hop by hop (lab): where their packets were lost (suites/locate-failures.ts). */
    located?: string;
  }>;
  packets: CapturedPacket[];
  /** Set when no capture could run (e.g. no tcpdump on a kind node): the pings are still judged; the report shows a skipped step. */
  unavailable?: string;
}

const PINGS = 3;

/**
 * How fast the tunnel checks ping, and how long a capture waits after the pings for packets still in flight.
 * Lab: 10 ms apart, each reply awaited 200 ms (measured here on 2 cores: pod pings over VXLAN, host-gw and the
 * fundamentals' paths max RTT 3.3 ms over 180 bursts at load 2-24, 0.28 ms at load 4-6). A capture ends 50 ms after the
 * pings: anything still in flight had the pings' own wait to arrive, and tcpdump in immediate mode writes a packet's
 * line within 1 ms (measured). kind and attach: as before (0.2 s apart, 1 s, 500 ms).
 */
export function pingPace(cluster: ClusterHandle): { interval: string; wait: string; settleMs: number } {
  return cluster.capabilities.provider === 'lab' ? { interval: '0.01', wait: '0.2', settleMs: 50 } : { interval: '0.2', wait: '1', settleMs: 500 };
}

/** Pings (3 echo requests each) from one pod to every remote pod at once, in one exec on the pod (runBatch). */
async function pingRemote(from: PodHandle, remote: PodHandle[], pace: ReturnType<typeof pingPace>, raw: Record<string, string>): Promise<UnderlayCapture['pings']> {
  const argvOf = (to: PodHandle) => ['ping', '-n', '-c', String(PINGS), '-i', pace.interval, '-W', pace.wait, to.addresses[0]!];
  const runs = await runBatch(from, remote.map((to): [string, string[]] => [to.name, argvOf(to)]));
  return remote.map((to) => {
    const r = runs.get(to.name)!;
    raw[`${from.name}: ${argvOf(to).join(' ')}`] = [r.stdout, r.stderr].filter(Boolean).join('\n');
    const summary = parsePing(r.stdout);
    return { fromPod: from.name, from: from.addresses[0]!, toPod: to.name, to: to.addresses[0]!, ...(summary ? { summary } : {}) };
  });
}

/**
 * Per node: the echo requests and replies its underlay carries when every node's first pod pings every remote pod
 * (PINGS each), its own pings and the other nodes' pings to its pods, as packets (request and reply).
 */
export function crossingPackets(node: string, senders: Array<{ node: string; remote: Array<{ node: string }> }>): number {
  return senders.flatMap((s) => s.remote.filter((to) => s.node === node || to.node === node)).length * PINGS * 2;
}

/** A ping that lost replies, or printed no statistics. */
const pingLost = (p: UnderlayCapture['pings'][number]): boolean => !p.summary || p.summary.received < p.summary.transmitted;

/**
 * Starts tcpdump on each node's underlay (the interface holding its address), every node at once, and waits until each
 * is listening; only then does each node's first pod ping every remote pod (3 echo requests each, all nodes at once),
 * and what the underlays carried is parsed, BGP excluded. With `options.locate`, the pairs whose pings lost replies
 * are traced hop by hop afterwards (suites/locate-failures.ts): each gets `located`, and the traces are returned.
 */
export async function captureUnderlay(
  cluster: ClusterHandle, underlayOf: (node: NodeHandle) => Promise<string | undefined>, decodeAs?: string, options?: ProbeOptions,
): Promise<{ raw: Record<string, string>; value: UnderlayCapture[]; located?: TracedLoss[] }> {
  const raw: Record<string, string> = {};
  const pace = pingPace(cluster);
  const senders = await Promise.all(cluster.nodes.flatMap((node) => {
    const from = cluster.pods.find((p) => p.node === node.name && p.addresses[0]);
    const remote = cluster.pods.filter((p) => p.node !== node.name && p.addresses[0]);
    if (!from || remote.length === 0) return [];
    return [(async () => {
      const [iface, has] = await Promise.all([underlayOf(node), node.exec(['sh', '-c', 'command -v tcpdump'])]);
      // kind nodes (kindest/node: images/base/Dockerfile installs no tcpdump): the pings still run; the report says the capture did not.
      const unavailable = !iface ? `no interface holds ${node.addresses[0] ?? '(no address)'}` : has.exitCode !== 0 ? 'no tcpdump on the node' : undefined;
      return { node, from, remote, iface, unavailable };
    })()];
  }));
  const counted = senders.map((s) => ({ node: s.node.name, remote: s.remote }));
  const capturing = senders.filter((s) => !s.unavailable);
  // tcpdump ends at the echo requests and replies a healthy path carries; when some are missing (a broken path), it is
  // stopped pace.settleMs after the last ping has returned (each waits pace.wait for its last reply), not at its own bound.
  const { captures, result: pings } = await captureDuring(capturing.map((s) => ({
    on: s.node,
    spec: { iface: s.iface!, filter: 'ip and not tcp port 179', count: crossingPackets(s.node.name, counted), seconds: 2 + Math.ceil(s.remote.length * 1.5), settleMs: pace.settleMs, ...(decodeAs ? { decodeAs } : {}) },
  })), () => Promise.all(senders.map((s) => pingRemote(s.from, s.remote, pace, raw))));
  const value = senders.map((s, i): UnderlayCapture => {
    if (s.unavailable) {
      raw[`${s.node.name}: underlay capture`] = `not run: ${s.unavailable}`;
      return { node: s.node.name, iface: s.iface ?? '?', pings: pings[i]!, packets: [], unavailable: s.unavailable };
    }
    const capture = captures[capturing.indexOf(s)]!;
    raw[`${s.node.name}: ${capture.command} (started on every node before the pings)`] = capture.raw;
    return { node: s.node.name, iface: s.iface!, pings: pings[i]!, packets: capture.value };
  });
  const located = options?.locate ? await locateLostPings(cluster, value, raw, options.maxTraces) : [];
  return { raw, value, ...(located.length ? { located } : {}) };
}

/**
 * Where the pings that lost replies died (suites/locate-failures.ts): each gets `located`; the traces are returned for
 * Observation.located. The pings are ping's default size (pingRemote sends no -s).
 */
export function locateLostPings(cluster: ClusterHandle, captures: UnderlayCapture[], raw: Record<string, string>, maxTraces?: number, trace?: Tracer): Promise<TracedLoss[]> {
  return locateFailed(cluster, captures.flatMap((c) => c.pings.filter(pingLost)).map((p) => ({
    from: p.fromPod, to: p.toPod, probe: 'burst' as const, located: (text: string) => { p.located = text; },
  })), raw, maxTraces, trace);
}

const isPod = (addr: string | undefined, pods: Set<string>) => !!addr && pods.has(addr);

/**
 * Every ping answered; for each pinged pod an encapsulated echo request out and an encapsulated reply back (VXLAN with
 * the VNI and port, or IPIP with the pod packet inside); no packet on the underlay whose outer source or destination is
 * a pod (pod traffic sent bare). `encap` undefined: routed without encapsulation (host-gw), only loss is judged.
 */
export function underlayProblems(captures: UnderlayCapture[], pods: string[], encap?: Encap): string[] {
  const podSet = new Set(pods);
  return captures.flatMap((c) => {
    const problems: string[] = [];
    for (const p of c.pings) {
      const pair = `${p.fromPod} (${p.from}) -> ${p.toPod} (${p.to})`;
      if (pingLost(p)) problems.push(`${pair}: ${p.summary ? `${p.summary.received}/${p.summary.transmitted}` : 'no'} ICMP echo replies`);
      // Where the lost pings died: a line of its own, after the one the controls match.
      if (p.located) problems.push(`${failureName({ from: p.fromPod, to: p.toPod, probe: 'burst' })}: ${p.located}`);
      if (!encap || c.unavailable) continue;
      const inner = (dir: string) => (x: CapturedPacket) => x.inner.concat(x.info).some((l) => l.includes(dir));
      const encapsulated = (x: CapturedPacket) => (encap.kind === 'vxlan' ? x.vni === encap.vni && x.dstPort === encap.port : /\bIP \d/.test(x.info) || x.info.includes('ipip-proto-4'));
      const out = c.packets.filter((x) => encapsulated(x) && inner(`${p.from} > ${p.to}: ICMP echo request`)(x));
      const back = c.packets.filter((x) => encapsulated(x) && inner(`${p.to} > ${p.from}: ICMP echo reply`)(x));
      const how = encap.kind === 'vxlan' ? `VXLAN (VNI ${encap.vni}, UDP ${encap.port})` : 'IPIP';
      if (out.length === 0) problems.push(`node ${c.node}: ${pair}: no ${how} echo request on ${c.iface}`);
      if (out.length > 0 && back.length === 0 && p.summary?.received) problems.push(`node ${c.node}: ${pair}: replies came back but not as ${how} on ${c.iface}`);
    }
    if (encap && !c.unavailable) {
      if (encap.kind === 'vxlan') {
        const wrong = c.packets.filter((x) => x.vni !== undefined && (x.vni !== encap.vni || x.dstPort !== encap.port));
        for (const x of wrong.slice(0, 3)) problems.push(`node ${c.node}: VXLAN on ${c.iface} with VNI ${x.vni} port ${x.dstPort ?? '?'}, expected VNI ${encap.vni} port ${encap.port}: ${x.src} > ${x.dst}`);
      }
      const bare = c.packets.filter((x) => isPod(x.src, podSet) || isPod(x.dst, podSet));
      for (const x of bare.slice(0, 3)) problems.push(`node ${c.node}: bare pod packet on the underlay ${c.iface}: ${x.src} > ${x.dst}: ${x.info.slice(0, 60)} (expected only encapsulated pod traffic)`);
      if (bare.length > 3) problems.push(`node ${c.node}: ${bare.length - 3} more bare pod packets on ${c.iface}`);
    }
    return problems;
  });
}

/** A capture that could not run, as a skipped step of the report (never silent, never a pass of the capture). */
export function captureSubtests(captures: UnderlayCapture[]): Array<{ name: string; status: 'skipped'; message: string }> {
  return captures.filter((c) => c.unavailable).map((c) => ({ name: `underlay capture on ${c.node}`, status: 'skipped', message: `${c.unavailable}; pings judged, encapsulation not seen` }));
}

/** The node interface that holds its underlay address (`ip -4 -o addr show`). */
export async function underlayInterface(node: NodeHandle): Promise<string | undefined> {
  const r = await node.exec(['ip', '-4', '-o', 'addr', 'show']);
  const address = node.addresses[0];
  return r.stdout.split('\n').map((l) => /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(l)).find((m) => m && m[2] === address)?.[1];
}

/**
 * A breakage made of shell lines on a node, with its undo; each returns once `inEffect` (or its negation) is observed,
 * polling with a deadline and naming what it waited for.
 */
export async function nodeChange(node: NodeHandle, o: { what: string; apply: string[]; undo: string[]; inEffect: () => Promise<boolean> }): Promise<Breakage> {
  const run = async (lines: string[]) => {
    const r = await node.exec(['sh', '-ec', lines.join('\n')]);
    if (r.exitCode !== 0) throw new Error(`node ${node.name}: failed to run ${lines.join('; ')}: ${(r.stderr || r.stdout).trim()}`);
  };
  await run(o.apply);
  await pollUntilDone(`${o.what} in effect on ${node.name}`, async () => ((await o.inEffect()) ? [] : [o.what]), 10_000);
  return {
    what: `${o.what} on ${node.name}`,
    async undo() {
      await run(o.undo);
      await pollUntilDone(`${o.what} undone on ${node.name}`, async () => ((await o.inEffect()) ? [`${o.what} still in effect`] : []), 10_000);
    },
  };
}

/** `ip route get` of one address from one pod, as probePathLookups does it, for a breakage's wait. */
export async function lookupOnce(cluster: ClusterHandle, from: PodHandle, to: string): Promise<string> {
  const node = cluster.node(from.node);
  const iif = parseIpRoute((await node.exec(['ip', '-4', 'route', 'get', from.addresses[0]!])).stdout)[0]?.dev;
  const r = await node.exec(['ip', '-4', 'route', 'get', to, 'from', from.addresses[0]!, ...(iif ? ['iif', iif] : [])]);
  return [r.stdout, r.stderr].join('\n');
}
