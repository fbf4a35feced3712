import type { ClusterHandle, NodeHandle, PodHandle } from '../clusters/types.ts';
import type { CapturedPacket } from '../helpers/parsers/tcpdump.ts';
import { parseIpRoute, type Route } from '../helpers/parsers/ip-route.ts';
import { parsePing, type PingSummary } from '../helpers/parsers/ping.ts';
import { captureWhile } from '../helpers/probes/capture.ts';
import { pollUntilDone } from '../helpers/probes/poll.ts';
import type { Breakage } from './types.ts';

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

/** One forwarding lookup per (local pod, remote pod) on the local pod's node (run in parallel; the lookups change nothing). */
export async function probePathLookups(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: PathLookup[] }> {
  const raw: Record<string, string> = {};
  const iifs = new Map<string, Promise<string | undefined>>();
  const iifOf = (from: PodHandle) => {
    if (!iifs.has(from.name)) {
      iifs.set(from.name, (async () => {
        const argv = ['ip', '-4', 'route', 'get', from.addresses[0]!];
        const r = await cluster.node(from.node).exec(argv);
        raw[`${from.node}: ${argv.join(' ')}`] = r.stdout || r.stderr;
        return r.exitCode === 0 ? parseIpRoute(r.stdout)[0]?.dev : undefined;
      })());
    }
    return iifs.get(from.name)!;
  };
  const value = await Promise.all(remotePairs(cluster).map(async ({ from, to }) => {
    const iif = await iifOf(from);
    const argv = ['ip', '-4', 'route', 'get', to.addresses[0]!, 'from', from.addresses[0]!, ...(iif ? ['iif', iif] : [])];
    const r = await cluster.node(from.node).exec(argv);
    const text = [r.stdout, r.stderr].filter(Boolean).join('\n').trim();
    raw[`${from.node}: ${argv.join(' ')}`] = text || `(exit ${r.exitCode})`;
    return lookupOf({ node: from.node, fromPod: from.name, from: from.addresses[0]!, ...(iif ? { iif } : {}), toPod: to.name, to: to.addresses[0]!, toNode: to.node }, text || `exit ${r.exitCode}`);
  }));
  return { raw, value };
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
  pings: Array<{ fromPod: string; from: string; toPod: string; to: string; summary?: PingSummary }>;
  packets: CapturedPacket[];
  /** Set when no capture could run (e.g. no tcpdump on a kind node): the pings are still judged; the report shows a skipped step. */
  unavailable?: string;
}

const PINGS = 3;

/**
 * Starts tcpdump on each node's underlay (the interface holding its address) before any packet is sent, then pings every
 * remote pod from the node's first pod (3 echo requests each) and parses what the underlay carried, BGP excluded.
 */
export async function captureUnderlay(cluster: ClusterHandle, underlayOf: (node: NodeHandle) => Promise<string | undefined>, decodeAs?: string): Promise<{ raw: Record<string, string>; value: UnderlayCapture[] }> {
  const raw: Record<string, string> = {};
  const value: UnderlayCapture[] = [];
  for (const node of cluster.nodes) {
    const from = cluster.pods.find((p) => p.node === node.name && p.addresses[0]);
    const remote = cluster.pods.filter((p) => p.node !== node.name && p.addresses[0]);
    if (!from || remote.length === 0) continue;
    const iface = await underlayOf(node);
    const has = await node.exec(['sh', '-c', 'command -v tcpdump']);
    // Every remote pod at once: the capture counts packets, not their order.
    const ping = () => Promise.all(remote.map(async (to): Promise<UnderlayCapture['pings'][number]> => {
      const argv = ['ping', '-n', '-c', String(PINGS), '-i', '0.2', '-W', '1', to.addresses[0]!];
      const r = await from.exec(argv);
      raw[`${from.name}: ${argv.join(' ')}`] = [r.stdout, r.stderr].filter(Boolean).join('\n');
      const summary = parsePing(r.stdout);
      return { fromPod: from.name, from: from.addresses[0]!, toPod: to.name, to: to.addresses[0]!, ...(summary ? { summary } : {}) };
    }));
    if (!iface || has.exitCode !== 0) {
      // kind nodes (kindest/node: images/base/Dockerfile installs no tcpdump): the pings still run; the report says the capture did not.
      const unavailable = !iface ? `no interface holds ${node.addresses[0] ?? '(no address)'}` : 'no tcpdump on the node';
      value.push({ node: node.name, iface: iface ?? '?', pings: await ping(), packets: [], unavailable });
      raw[`${node.name}: underlay capture`] = `not run: ${unavailable}`;
      continue;
    }
    // tcpdump ends at the echo requests and replies a healthy path carries; when some are missing (a broken path), it is
    // stopped 500 ms after the last ping has returned (each waits 1 s for its last reply), not at its own time bound.
    const spec = { iface, filter: 'ip and not tcp port 179', count: remote.length * PINGS * 2, seconds: 2 + Math.ceil(remote.length * 1.5), settleMs: 500, ...(decodeAs ? { decodeAs } : {}) };
    const { capture, result } = await captureWhile(node, spec, ping);
    raw[`${node.name}: ${capture.command} (started before the pings)`] = capture.raw;
    value.push({ node: node.name, iface, pings: result, packets: capture.value });
  }
  return { raw, value };
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
      if (!p.summary || p.summary.received < p.summary.transmitted) {
        problems.push(`${pair}: ${p.summary ? `${p.summary.received}/${p.summary.transmitted}` : 'no'} ICMP echo replies`);
      }
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
