import type { Executor, PodHandle } from '../../clusters/types.ts';
import { parseIpLink, type Link } from '../parsers/ip-link.ts';
import { parseIpRoute, type Route } from '../parsers/ip-route.ts';
import { parsePingOutput, type PingOutput } from '../parsers/ping.ts';
import { parseHttpPodReply, parseUdpPodReply, type ClientRun, type PodReply } from '../parsers/pod-reply.ts';
import type { Probed } from './net.ts';
import { runBatch } from './traffic-batch.ts';

/** The pod servers every probe pod runs (lab: clusters/lab/pods.ts, kind: clusters/kind/workloads.ts). */
export const POD_TCP_PORT = 8080;
export const POD_UDP_PORT = 8081;
/** IPv4 + ICMP echo headers: a ping payload of MTU - 28 makes an IP packet of exactly the MTU. */
export const ICMP_OVERHEAD = 28;

/**
 * Clients exist in both images: the lab image (iputils-ping 20221126, curl 7.88.1, socat 1.7.4.4, iproute2 6.1:
 * versions.ts) and nicolaka/netshoot v0.16 (Dockerfile@v0.16: alpine 3.24.1 with iputils, curl, socat, iproute2,
 * iptables; busybox sh, mktemp and head). Both run the clients as root, so `ping -i 0.01` is allowed whatever
 * iputils' limit for users. Not yet run on netshoot here (no registry).
 *
 * The client timings: a veth or a lab underlay answers in well under a millisecond, a kind node in a few.
 */
export const TRAFFIC = {
  /** A burst big enough to see loss: 50 pings 10 ms apart (0.5 s); 50% loss leaves 0 lost with p = 1e-15. */
  burst: { count: 50, intervalS: 0.01 },
  /** How long ping waits for the last replies and curl for a connection: the network's timescale. */
  waitS: 1,
  /**
   * How long curl waits for the whole answer and socat for a datagram back: the pod server forks socat, sh, head
   * and cat per request, which took close to a second on this 2-core machine at load 27.
   */
  replyS: 2,
  /** Full-size DF pings per pair. */
  fullSize: { count: 5, intervalS: 0.01 },
} as const;

/** A client command and how to read what it printed. */
export interface Client<T> {
  argv: string[];
  parse(run: ClientRun): T;
}

/** A client's output as a probe result: the raw text for the report (with the exit code) and the parsed value. */
export function probed<T>(client: Client<T>, r: ClientRun): Probed<T> {
  const raw = [r.stdout, r.stderr].filter(Boolean).join('\n');
  return { command: client.argv.join(' '), raw: `${raw}${raw ? '\n' : ''}(exit ${r.exitCode})`, value: client.parse(r) };
}

async function run<T>(on: Executor, client: Client<T>): Promise<Probed<T>> {
  return probed(client, await on.exec(client.argv));
}

/**
 * Runs clients at once from one pod or node (one exec, see traffic-batch.ts); results in the order given.
 * `first`/`last` (indexes) run alone before the others start / after they all ended, e.g. a neighbour flush.
 */
export async function runClients(on: Executor, clients: Array<Client<unknown>>, order: { first?: number[]; last?: number[] } = {}): Promise<Array<Probed<unknown>>> {
  const entries = clients.map((c, i): [string, string[]] => [String(i), c.argv]);
  const runs = await runBatch(on, entries, { before: (order.first ?? []).map(String), after: (order.last ?? []).map(String) });
  return clients.map((c, i) => probed(c, runs.get(String(i))!));
}

export interface PingOptions {
  count: number;
  intervalS: number;
  /** ICMP payload bytes (ping -s); the default 56 makes 84-byte packets. */
  payload?: number;
  /** Set DF and never fragment locally (ping -M do). */
  df?: boolean;
  /** Only the summary (ping -q), for bursts. */
  quiet?: boolean;
}

/** One ping run: `-W` bounds the wait for the last replies; no `-w`, so exactly `count` are sent and loss is countable. */
export function pingArgv(target: string, o: PingOptions): string[] {
  return [
    'ping', '-n', ...(o.quiet ? ['-q'] : []), '-c', String(o.count), '-i', String(o.intervalS), '-W', String(TRAFFIC.waitS),
    ...(o.df ? ['-M', 'do'] : []), ...(o.payload !== undefined ? ['-s', String(o.payload)] : []), target,
  ];
}

export const icmpClient = (target: string, o: PingOptions): Client<PingOutput> =>
  ({ argv: pingArgv(target, o), parse: (r) => parsePingOutput(`${r.stdout}\n${r.stderr}`) });
export const probeIcmp = (from: Executor, target: string, o: PingOptions): Promise<Probed<PingOutput>> => run(from, icmpClient(target, o));

export const tcpArgv = (target: string) =>
  ['curl', '-sS', '--connect-timeout', String(TRAFFIC.waitS), '-m', String(TRAFFIC.replyS), `http://${target}:${POD_TCP_PORT}/`];

/** One HTTP request to the pod's TCP server; the answer names the pod that served it. */
export const tcpClient = (target: string): Client<PodReply> => ({ argv: tcpArgv(target), parse: parseHttpPodReply });
export const probeTcp = (from: Executor, target: string): Promise<Probed<PodReply>> => run(from, tcpClient(target));

/**
 * One datagram to the pod's UDP server. socat sends the SYSTEM child's "x", the child prints the first reply line
 * to stderr and exits, and -t0 ends socat at once; without a reply -T ends it after TRAFFIC.replyS of silence.
 * The command has no quotes inside SYSTEM: socat 1.8 parses quotes in addresses, 1.7 does not.
 */
export const udpArgv = (target: string) =>
  ['socat', '-t0', `-T${TRAFFIC.replyS}`, `UDP:${target}:${POD_UDP_PORT}`, 'SYSTEM:echo x; head -n1 >&2'];

export const udpClient = (target: string): Client<PodReply> => ({ argv: udpArgv(target), parse: (r) => parseUdpPodReply(r, TRAFFIC.replyS) });
export const probeUdp = (from: Executor, target: string): Promise<Probed<PodReply>> => run(from, udpClient(target));

/** A pod's MTU as its traffic sees it: eth0's MTU, or a lower `mtu` on its default route (Cilium lowers the route). */
export async function podMtu(pod: PodHandle): Promise<{ mtu?: number; raw: Array<[string, Probed<unknown>]> }> {
  const [link, routes] = await runClients(pod, [
    { argv: ['ip', '-d', 'link', 'show', 'dev', 'eth0'], parse: (r) => parseIpLink(r.stdout) },
    { argv: ['ip', '-4', 'route', 'show'], parse: (r) => parseIpRoute(r.stdout) },
  ]) as [Probed<Link[]>, Probed<Route[]>];
  const eth0 = link.value[0]?.mtu;
  const routeMtu = /\bmtu (\d+)/.exec(routes.value.find((r) => r.dst === 'default')?.raw ?? '')?.[1];
  const mtu = eth0 === undefined ? undefined : Math.min(eth0, routeMtu ? Number(routeMtu) : Infinity);
  return { ...(mtu !== undefined ? { mtu } : {}), raw: [[pod.name, link], [pod.name, routes]] };
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
