import type { Executor, PodHandle } from '../../clusters/types.ts';
import { parseIpLink, type Link } from '../parsers/ip-link.ts';
import { parseIpRoute, type Route } from '../parsers/ip-route.ts';
import { parsePingOutput, type PingOutput } from '../parsers/ping.ts';
import { parseHttpPodReply, parseUdpPodReply, type ClientRun, type PodReply } from '../parsers/pod-reply.ts';
import type { Probed } from './net.ts';
import { runBatch } from './traffic-batch.ts';
import { udpClientArgv } from './udp-client.ts';

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
 */
export interface TrafficTimings {
  /** A burst big enough to see loss: 50 pings; 50% loss leaves 0 lost with p = 1e-15. */
  burst: { count: number; intervalS: number };
  /** Full-size DF pings per pair. */
  fullSize: { count: number; intervalS: number };
  /** ping -W: how long ping waits when no reply at all came (with any reply it waits as said above). */
  waitS: number;
  /** curl --connect-timeout. */
  connectS: number;
  /** curl -m (the whole answer) and the UDP client's wait after its send. */
  replyS: number;
  /**
   * A bound on a whole ping run (coreutils `timeout -s INT`: iputils prints its statistics on SIGINT); unset, none.
   * Through an ICMP datagram socket iputils paces itself by the errors of an unresolved neighbour: with the pod's
   * gateway unanswered, a 60-packet burst took 27.6 s here (raw sockets: 1.6 s). A run cut short sends fewer packets
   * than counted, which the checks report as such.
   */
  boundS?: number;
  /**
   * Send every packet of a run at once (ping -l <count>, root only) instead of one per interval. iputils spins on
   * sched_yield between sends whenever the next one is due within 10 ms and no reply is outstanding (main_loop,
   * ping/ping_common.c@20221126): a 60-packet burst at 2 ms burnt 0.26 s of CPU per 12 concurrent runs here, a preloaded
   * one 0.04 s. Preloaded, the schedule ends -W after the last send, with nothing received yet (__schedule_exit), so
   * every reply gets the whole -W; ping stops as soon as all are in.
   */
  preload?: boolean;
  /**
   * The deadlines of the confirmation run: a client that failed is run once more with these before its failure counts
   * (runClients). A datapath that really drops still drops; a host too busy to answer within the first deadlines is
   * given the time it needs, and the report keeps both runs.
   */
  confirm: Pick<TrafficTimings, 'waitS' | 'connectS' | 'replyS'> & { boundS?: number };
}

/**
 * kind and attach: a kind node answers in a few milliseconds; the pod server (clusters/kind/workloads.ts) forks
 * socat, sh, head and cat per request, which took close to a second on a 2-core machine at load 27.
 */
export const KIND_TRAFFIC: TrafficTimings = {
  burst: { count: 50, intervalS: 0.01 },
  fullSize: { count: 5, intervalS: 0.01 },
  waitS: 1,
  connectS: 1,
  replyS: 2,
  confirm: { waitS: 5, connectS: 5, replyS: 10 },
};

/**
 * The lab: veths in one kernel. Measured here (2 cores, load 5-7 with 4 busy loops, all 4 pods' clients at once):
 * echo RTT max 0.1 ms; curl connect max 87 ms; the Perl UDP server answers in max 20 ms (900 datagrams) and the
 * Perl TCP server (tcp-name-server.ts) a whole HTTP exchange in max 90 ms. Lab pods ping through datagram sockets
 * (clusters/lab/pods.ts says why). Each timeout is 3-5x the worst figure and is waited out only when traffic is
 * really cut. Preloaded bursts: 12 at once from one netns, 0.02 s in all, after a neighbour flush too; a cut one
 * takes waitS.
 */
export const LAB_TRAFFIC: TrafficTimings = {
  // The interval only paces retries after a local send error (ENOBUFS: interval / 2); preloaded runs send at once.
  burst: { count: 50, intervalS: 0.01 },
  fullSize: { count: 5, intervalS: 0.01 },
  waitS: 0.3,
  connectS: 0.3,
  replyS: 0.5,
  // A healthy burst takes milliseconds, a cut one waitS.
  boundS: 2,
  preload: true,
  // Confirmation: four to seven times the first deadlines. On a machine 2.5x slower than the one these were measured
  // on, under load, curl missed 0.5 s by 12-317 ms (issue 16 and this machine's CI runs) and the UDP client's shell
  // started after socat's 0.5 s (the UDP client now waits after its send). Every control that cuts traffic waits these
  // out once, so they are no longer than that needs; pace stretches them on a machine that proves slower.
  confirm: { waitS: 2, connectS: 2, replyS: 2, boundS: 8 },
};

/**
 * How much longer than its timings this machine needs to answer, learnt from its own round trips: every client whose
 * first run missed its deadline and whose confirmation then answered is a round trip the machine was too slow for, and
 * stretches the first deadlines of later probes by PACE_STEP (up to PACE_MAX); every batch whose clients all answered
 * at their first run shrinks them again by PACE_EASE (down to 1), so a busy minute does not slow a whole run. A datapath
 * that drops never answers the confirmation either, so breakages do not stretch them. One per process: a vitest worker
 * runs one profile file, so each file learns the pace of the machine it runs on. Measured: without the easing, one
 * busy stretch left a lab run at 6x for good and a control that cuts all traffic to a pod took 34 s instead of 5.
 */
export const pace = { factor: 1 };
const PACE_STEP = 1.5;
const PACE_EASE = 1.25;
const PACE_MAX = 4;

/** A first run missed its deadline and its confirmation answered: the machine is slower than the deadlines. */
export function slowerThanDeadlines(): void {
  pace.factor = Math.min(PACE_MAX, pace.factor * PACE_STEP);
}

/** Every confirmable client answered at its first run: the machine keeps up with the deadlines again. */
export function withinDeadlines(): void {
  pace.factor = Math.max(1, pace.factor / PACE_EASE);
}

/** The first deadlines stretched by `factor`; the confirmation's never shorter than them. */
export function paced(t: TrafficTimings, factor: number): TrafficTimings {
  if (factor === 1) return t;
  const x = (s: number) => Math.round(s * factor * 100) / 100;
  const first = { waitS: x(t.waitS), connectS: x(t.connectS), replyS: x(t.replyS), ...(t.boundS ? { boundS: x(t.boundS) } : {}) };
  const confirm = {
    waitS: Math.max(t.confirm.waitS, first.waitS), connectS: Math.max(t.confirm.connectS, first.connectS), replyS: Math.max(t.confirm.replyS, first.replyS),
    ...(t.confirm.boundS ? { boundS: Math.max(t.confirm.boundS, first.boundS ?? 0) } : {}),
  };
  return { ...t, ...first, confirm };
}

/** The client timings for a cluster (the lab's own timescale, today's values elsewhere), at the pace this machine showed. */
export function trafficTimings(capabilities: { provider: string }): TrafficTimings {
  return paced(capabilities.provider === 'lab' ? LAB_TRAFFIC : KIND_TRAFFIC, pace.factor);
}

/** A client command and how to read what it printed. */
export interface Client<T> {
  argv: string[];
  parse(run: ClientRun): T;
  /** A result that `failed` is confirmed by running `client` (the same probe, generous deadlines) before it counts. */
  confirm?: { failed(value: T): boolean; client: Client<T> };
}

/** What a batch prints for a command it never saw end: the host did not run it (traffic-batch.ts parseBatchOutput). */
const NOT_RUN = /^batch did not report this command/;

/**
 * A client's output as a probe result: the raw text for the report (with the exit code) and the parsed value. A client
 * the host never ran (its exec failed) is marked unobserved with the cause: nothing was sent, nothing can be judged.
 */
export function probed<T>(client: Client<T>, r: ClientRun): Probed<T> {
  const raw = [r.stdout, r.stderr].filter(Boolean).join('\n');
  return {
    command: client.argv.join(' '), raw: `${raw}${raw ? '\n' : ''}(exit ${r.exitCode})`, value: client.parse(r),
    ...(r.exitCode === -1 && NOT_RUN.test(r.stderr) ? { unobserved: `the client did not run: ${r.stderr.trim().split('\n')[0]}` } : {}),
  };
}

/** A failed first run and its confirmation run: the confirmation's value counts, the report shows both. */
export function confirmedBy<T>(first: Probed<T>, second: Probed<T>): Probed<T> {
  const raw = `first run: ${first.command}\n${first.raw}\n\nconfirmation run (generous deadlines): ${second.command}\n${second.raw}`;
  return { ...second, raw, firstAttempt: first };
}

async function run<T>(on: Executor, client: Client<T>): Promise<Probed<T>> {
  return probed(client, await on.exec(client.argv));
}

/**
 * Runs clients at once from one pod or node (one exec, see traffic-batch.ts); results in the order given.
 * `first`/`last` (indexes) run alone before the others start / after they all ended, e.g. a neighbour flush.
 */
export async function runClients(on: Executor, clients: Array<Client<unknown>>, order: { first?: number[]; last?: number[] } = {}): Promise<Array<Probed<unknown>>> {
  const results = await runOnce(on, clients, order);
  // Every failed client that can be confirmed runs once more, all of them at once, with generous deadlines.
  const again = results.flatMap((r, i) => (clients[i]!.confirm?.failed(r.value) && !r.unobserved ? [i] : []));
  if (again.length === 0) {
    if (clients.some((c) => c.confirm)) withinDeadlines();
    return results;
  }
  const second = await runOnce(on, again.map((i) => clients[i]!.confirm!.client));
  again.forEach((i, k) => { results[i] = confirmedBy(results[i]!, second[k]!); });
  if (again.some((i, k) => !second[k]!.unobserved && !clients[i]!.confirm!.failed(second[k]!.value))) slowerThanDeadlines();
  return results;
}

async function runOnce(on: Executor, clients: Array<Client<unknown>>, order: { first?: number[]; last?: number[] } = {}): Promise<Array<Probed<unknown>>> {
  const entries = clients.map((c, i): [string, string[]] => [String(i), c.argv]);
  const runs = await runBatch(on, entries, { before: (order.first ?? []).map(String), after: (order.last ?? []).map(String) });
  return clients.map((c, i) => probed(c, runs.get(String(i))!));
}

export interface PingOptions {
  count: number;
  intervalS: number;
  /** ping -W: the wait when no reply came at all. */
  waitS: number;
  /** The whole run's bound (TrafficTimings.boundS). */
  boundS?: number;
  /** All packets at once (TrafficTimings.preload). */
  preload?: boolean;
  /** ICMP payload bytes (ping -s); the default 56 makes 84-byte packets. */
  payload?: number;
  /** Set DF and never fragment locally (ping -M do). */
  df?: boolean;
  /** Only the summary (ping -q), for bursts. */
  quiet?: boolean;
  /** Deadlines of the confirmation run of a run that lost packets (TrafficTimings.confirm); none, no confirmation. */
  confirm?: { waitS: number; boundS?: number };
}

/** A ping run, with the counted packets: how many were sent and how many of them were answered. */
export interface IcmpRun extends PingOutput {
  counted: { sent: number; received: number };
}

/** One ping run: `-W` bounds the wait for replies; no `-w`, so exactly `count` are sent and loss is countable. */
export function pingArgv(target: string, o: PingOptions): string[] {
  return [
    ...(o.boundS ? ['timeout', '-s', 'INT', String(o.boundS)] : []),
    'ping', '-n', ...(o.quiet ? ['-q'] : []), '-c', String(o.count), ...(o.preload ? ['-l', String(o.count)] : []), '-i', String(o.intervalS), '-W', String(o.waitS),
    ...(o.df ? ['-M', 'do'] : []), ...(o.payload !== undefined ? ['-s', String(o.payload)] : []), target,
  ];
}

/** Reads a ping run: its summary's counts. */
export function icmpRun(text: string): IcmpRun {
  const out = parsePingOutput(text);
  return { ...out, counted: { sent: out.summary?.transmitted ?? 0, received: out.summary?.received ?? 0 } };
}

/** Lost: fewer replies than packets counted, fewer sent (cut short by the bound), or no statistics at all. */
export const icmpLost = (r: IcmpRun, count: number): boolean => !r.summary || r.counted.sent < count || r.counted.received < r.counted.sent;

export function icmpClient(target: string, o: PingOptions): Client<IcmpRun> {
  const client: Client<IcmpRun> = { argv: pingArgv(target, o), parse: (r) => icmpRun(`${r.stdout}\n${r.stderr}`) };
  if (!o.confirm) return client;
  const { confirm, ...rest } = o;
  return { ...client, confirm: { failed: (r) => icmpLost(r, o.count), client: icmpClient(target, { ...rest, waitS: confirm.waitS, ...(confirm.boundS && o.boundS ? { boundS: confirm.boundS } : {}) }) } };
}
export const probeIcmp = (from: Executor, target: string, o: PingOptions): Promise<Probed<IcmpRun>> => run(from, icmpClient(target, o));

export const tcpArgv = (target: string, t: Pick<TrafficTimings, 'connectS' | 'replyS'>) =>
  ['curl', '-sS', '--connect-timeout', String(t.connectS), '-m', String(t.replyS), `http://${target}:${POD_TCP_PORT}/`];

/** Deadlines of a TCP or UDP client, and of its confirmation run when given. */
type ReplyTimings = Pick<TrafficTimings, 'connectS' | 'replyS'> & { confirm?: Pick<TrafficTimings, 'connectS' | 'replyS'> };
const unanswered = (r: PodReply) => !r.answeredBy;

/** One HTTP request to the pod's TCP server; the answer names the pod that served it. */
export function tcpClient(target: string, t: ReplyTimings): Client<PodReply> {
  const client: Client<PodReply> = { argv: tcpArgv(target, t), parse: parseHttpPodReply };
  return t.confirm ? { ...client, confirm: { failed: unanswered, client: tcpClient(target, t.confirm) } } : client;
}
export const probeTcp = (from: Executor, target: string, t: ReplyTimings): Promise<Probed<PodReply>> => run(from, tcpClient(target, t));

/** One datagram to the pod's UDP server (helpers/probes/udp-client.ts); its wait starts once the datagram is sent. */
export const udpArgv = (target: string, t: Pick<TrafficTimings, 'replyS'>) => udpClientArgv(target, POD_UDP_PORT, t.replyS);

export function udpClient(target: string, t: Pick<ReplyTimings, 'replyS' | 'confirm'>): Client<PodReply> {
  const client: Client<PodReply> = { argv: udpArgv(target, t), parse: parseUdpPodReply };
  return t.confirm ? { ...client, confirm: { failed: unanswered, client: udpClient(target, { replyS: t.confirm.replyS }) } } : client;
}
export const probeUdp = (from: Executor, target: string, t: Pick<ReplyTimings, 'replyS' | 'confirm'>): Promise<Probed<PodReply>> => run(from, udpClient(target, t));

/**
 * A pod's MTU as its traffic sees it (`mtu`): eth0's MTU, or a lower `mtu` on its default route (Cilium lowers the
 * route), and eth0's own MTU (`eth0Mtu`), which Cilium leaves at the device MTU (1500 beside a route mtu 1450, measured
 * on kind/cilium-vxlan with Cilium 1.20.0).
 */
export async function podMtu(pod: PodHandle): Promise<{ mtu?: number; eth0Mtu?: number; raw: Array<[string, Probed<unknown>]> }> {
  const [link, routes] = await runClients(pod, [
    { argv: ['ip', '-d', 'link', 'show', 'dev', 'eth0'], parse: (r) => parseIpLink(r.stdout) },
    { argv: ['ip', '-4', 'route', 'show'], parse: (r) => parseIpRoute(r.stdout) },
  ]) as [Probed<Link[]>, Probed<Route[]>];
  const eth0 = link.value[0]?.mtu;
  const routeMtu = /\bmtu (\d+)/.exec(routes.value.find((r) => r.dst === 'default')?.raw ?? '')?.[1];
  const mtu = eth0 === undefined ? undefined : Math.min(eth0, routeMtu ? Number(routeMtu) : Infinity);
  return { ...(mtu !== undefined ? { mtu } : {}), ...(eth0 !== undefined ? { eth0Mtu: eth0 } : {}), raw: [[pod.name, link], [pod.name, routes]] };
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
