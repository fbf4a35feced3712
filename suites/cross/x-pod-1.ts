import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { rawOf, type Probed } from '../../helpers/probes/net.ts';
import { ICMP_OVERHEAD, icmpClient, mapLimit, pace, podMtu, POD_TCP_PORT, POD_UDP_PORT, runClients, tcpClient, trafficTimings, udpClient, type Client, type IcmpRun } from '../../helpers/probes/traffic.ts';
import { loopbackCanaries, type CanaryProtocol } from '../../helpers/probes/traffic-canary.ts';
import { applyTrafficFault, lowerUnderlayMtu } from '../../helpers/probes/traffic-faults.ts';
import { applyPairDeny } from '../../helpers/probes/traffic-pair-deny.ts';
import { firstCrossNodePair, podPairs } from '../../helpers/probes/workload.ts';
import type { PodReply } from '../../helpers/parsers/pod-reply.ts';
import { defineBehaviour } from '../check.ts';
import { targetPodRules } from '../owners.ts';
import { pairMatrix } from '../../helpers/probes/traffic-matrix.ts';
import { unobserved } from '../verdict.ts';
import type { TracedProbe } from '../../helpers/hop-trace/types.ts';
import { failureName } from '../../helpers/hop-trace/trace.ts';
import { locateFailures, lost } from './x-pod-1-trace.ts';

/** One ping run as the expectation judges it. */
export interface PingView {
  /** IP packet size in bytes (payload + 28). */
  packet: number;
  df: boolean;
  /** Packets meant to be counted; `sent` of them went out (fewer when a run was cut short by its bound). */
  count: number;
  sent: number;
  received: number;
  errors: string[];
  reportedMtu?: number;
  /** No statistics line: ping could not run (e.g. "Network is unreachable"). */
  noSummary?: boolean;
}

export interface PairTraffic {
  from: string;
  fromNode: string;
  to: string;
  toAddress: string;
  toNode: string;
  sameNode: boolean;
  /** The source pod's MTU, the size of the full-size packet; undefined when it could not be read. */
  mtu?: number;
  burst: PingView;
  fullSize?: PingView;
  tcp: PodReply;
  udp: PodReply;
  /** Client output lines no parser understood. */
  unparsed: string[];
  /** Failures the probe could not judge, with the cause (the client never ran, a loopback canary failed too). */
  unobserved?: Partial<Record<Probe, string>>;
  /** A confirmed failure traced hop by hop (lab): the probe traced and where its packets were lost (x-pod-1-trace.ts). */
  located?: { probe: Probe; text: string };
}

/** The four probes of a pair. */
export type Probe = TracedProbe;

/**
 * Source pods probed at once (each one exec running all its clients): 8, divided by the pace the machine showed
 * (helpers/probes/traffic.ts), and at least 2: a machine too slow for the first deadlines gets fewer clients at a time.
 */
export const sourcesAtOnce = (factor = pace.factor): number => Math.max(2, Math.floor(8 / factor));

/** X-POD-1: every ordered pod pair, same node and across nodes, carries ICMP (a burst, and full size with DF), TCP and UDP. */
export const xPod1 = defineBehaviour<PairTraffic[]>({
  id: 'X-POD-1',
  title: 'pod to pod on the same node and across nodes',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/#the-kubernetes-network-model',
  requires: [],
  async probe(cluster, options) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const t = trafficTimings(cluster.capabilities);
    const pairs = podPairs(cluster);
    // Per source pod: its MTU (the full-size packet's size), then one exec running all its clients to all targets at
    // once (traffic-batch.ts); each source goes on as soon as its own MTU is in.
    const bySource = cluster.pods.map((from) => ({ from, pairs: pairs.filter((p) => p.from === from) }));
    const value = (await mapLimit(bySource, sourcesAtOnce(), async ({ from, pairs: mine }) => {
      const m = await podMtu(from);
      raw.push(...m.raw);
      const mtu = m.mtu;
      const plans = mine.map(({ to, sameNode }) => {
        const toAddress = to.addresses[0] ?? '';
        return {
          to, sameNode, toAddress,
          clients: [
            icmpClient(toAddress, { ...t.burst, waitS: t.waitS, boundS: t.boundS, preload: t.preload, quiet: true, confirm: t.confirm }),
            ...(mtu ? [icmpClient(toAddress, { ...t.fullSize, waitS: t.waitS, boundS: t.boundS, preload: t.preload, payload: mtu - ICMP_OVERHEAD, df: true, confirm: t.confirm })] : []),
            tcpClient(toAddress, t),
            udpClient(toAddress, t),
          ] as Array<Client<unknown>>,
        };
      });
      const results = await runClients(from, plans.flatMap((p) => p.clients));
      let next = 0;
      return plans.map(({ to, sameNode, toAddress, clients }): PairTraffic => {
        const mine = results.slice(next, next + clients.length);
        next += clients.length;
        for (const r of mine) raw.push([`${from.name} -> ${to.name}`, r]);
        const [burst, full] = [mine[0] as Probed<IcmpRun>, mtu ? (mine[1] as Probed<IcmpRun>) : undefined];
        const [tcp, udp] = mine.slice(-2) as [Probed<PodReply>, Probed<PodReply>];
        const notRun = Object.fromEntries(([['burst', burst], ['fullSize', full], ['tcp', tcp], ['udp', udp]] as const)
          .flatMap(([k, r]) => (r?.unobserved ? [[k, r.unobserved]] : [])));
        return {
          from: from.name, fromNode: from.node, to: to.name, toAddress, toNode: to.node, sameNode,
          ...(mtu ? { mtu } : {}),
          burst: pingView(burst.value, false, t.burst.count),
          ...(full ? { fullSize: pingView(full.value, true, t.fullSize.count) } : {}),
          tcp: tcp.value, udp: udp.value,
          unparsed: [...burst.value.unparsed, ...(full?.value.unparsed ?? []), ...tcp.value.unparsed, ...udp.value.unparsed],
          ...(Object.keys(notRun).length ? { unobserved: notRun } : {}),
        };
      });
    })).flat();
    raw.push(...await judgeUnobservable(cluster, value, t));
    // Confirmed failures only: judgeUnobservable has marked what could not be observed, which is not traced.
    const traces: Record<string, string> = {};
    const located = options?.locate ? await locateFailures(cluster, value, traces, options.maxTraces) : [];
    const table = pairMatrix(value.map((p) => ({ from: p.from, to: p.to, cell: pairCell(p) })));
    return { raw: { 'pair matrix (markdown)': table, ...rawOf(raw), ...traces }, value, ...(located.length ? { located } : {}) };
  },
  expect(pairs) {
    const problems: string[] = [];
    if (!pairs.some((p) => p.sameNode)) problems.push('no two pods share a node: same-node traffic cannot be checked');
    if (!pairs.some((p) => !p.sameNode)) problems.push('all pods are on one node: cross-node traffic cannot be checked');
    for (const p of pairs) problems.push(...pairProblems(p));
    return problems;
  },
  negativeControls: [
    {
      name: 'all traffic from the first pod to a pod on another node cut the way the datapath honours it',
      owner: {
        owner: 'nobody (a /32 blackhole or a policy the control adds)', reverts: 'never', breakage: 'adds',
        why: 'BIRD learns an alien route and never deletes it (projectcalico/bird sysdep/unix/krt.c@v0.3.3-208-g1e2ff99d), flanneld deletes only its own routes, and a CiliumNetworkPolicy is the control\'s own object',
      },
      expectFailure: /\S+ -> \S+ \([\d.]+\) across nodes: ICMP burst of \d+ \d+-byte packets: 0\/\d+ received/,
      apply: (cluster) => applyPairDeny(cluster, firstCrossNodePair(cluster, 'X-POD-1')),
    },
    {
      name: 'TCP to a pod on another node dropped while ICMP passes',
      owner: targetPodRules,
      expectFailure: /\S+ -> \S+ \([\d.]+\) across nodes: TCP 8080: no answer \(/,
      apply: (cluster) => applyTrafficFault(cluster, firstCrossNodePair(cluster, 'X-POD-1'), { kind: 'drop-tcp' }),
    },
    {
      name: 'UDP to a pod on another node dropped while ICMP and TCP pass',
      owner: targetPodRules,
      expectFailure: /\S+ -> \S+ \([\d.]+\) across nodes: UDP 8081: no answer \(/,
      apply: (cluster) => applyTrafficFault(cluster, firstCrossNodePair(cluster, 'X-POD-1'), { kind: 'drop-udp' }),
    },
    {
      // sch_netem is not built into this machine's kernel (CONFIG_NET_SCH_NETEM unset); netfilter's statistic match is.
      name: '50% random loss to a pod on another node',
      owner: targetPodRules,
      expectFailure: /\S+ -> \S+ \([\d.]+\) across nodes: ICMP burst of \d+ \d+-byte packets: \d+\/\d+ received \(\d+% loss\)/,
      apply: (cluster) => applyTrafficFault(cluster, firstCrossNodePair(cluster, 'X-POD-1'), { kind: 'loss', probability: 0.5 }),
    },
    {
      name: 'path MTU below the pod MTU (underlay 100 bytes smaller on the lab; frames above it dropped elsewhere)',
      owner: targetPodRules,
      expectFailure: /\S+ -> \S+ \([\d.]+\) across nodes: full-size \d+-byte packet with DF \(ping -M do -s \d+\): 0\/\d+ received/,
      apply: (cluster) => pathMtuBelowPods(cluster),
    },
    {
      // The old pairing (each pod with the first pod on its node and the first on another) never pinged the
      // second pod of a node from another node: all traffic to it could be dropped with X-POD-1 passing.
      name: 'all traffic to a pod that was never a cross-node target dropped',
      owner: targetPodRules,
      expectFailure: /\S+ -> \S+ \([\d.]+\) across nodes: ICMP burst of \d+ \d+-byte packets: 0\/\d+ received/,
      apply: (cluster) => {
        const pair = firstCrossNodePair(cluster, 'X-POD-1');
        const quiet = cluster.pods.find((p) => p.node === pair.from.node && p !== pair.from) ?? pair.to;
        const source = cluster.pods.find((p) => p.node !== quiet.node)!;
        const sources = cluster.pods.filter((p) => p !== quiet).map((p) => p.addresses[0] ?? '');
        return applyTrafficFault(cluster, { from: source, to: quiet, sameNode: false }, { kind: 'drop-all-to', sources });
      },
    },
  ],
});

/**
 * Pairs still failing after their confirmation run: a loopback canary on the pod that would have answered (the target's
 * server for TCP/UDP, the source itself for ICMP) tells "the path" from "we could not look"; a failed canary marks the
 * pair's probe unobserved with its cause. Returns the canaries' raw runs for the report.
 */
async function judgeUnobservable(cluster: ClusterHandle, pairs: PairTraffic[], t: ReturnType<typeof trafficTimings>): Promise<Array<[string, Probed<unknown>]>> {
  const asks = new Map<PodHandle, Set<CanaryProtocol>>();
  const ask = (name: string, protocol: CanaryProtocol) => {
    const pod = cluster.pods.find((p) => p.name === name);
    if (pod) asks.set(pod, (asks.get(pod) ?? new Set()).add(protocol));
  };
  for (const p of pairs) {
    if (lost(p.burst) || (p.fullSize && lost(p.fullSize))) ask(p.from, 'icmp');
    if (!p.tcp.answeredBy) ask(p.to, 'tcp');
    if (!p.udp.answeredBy) ask(p.to, 'udp');
  }
  if (asks.size === 0) return [];
  const { causes, raw } = await loopbackCanaries(asks, t, t.burst.count);
  for (const p of pairs) {
    const source = causes.get(p.from)?.icmp;
    const target = causes.get(p.to);
    const found: Partial<Record<Probe, string>> = {
      ...(source && lost(p.burst) ? { burst: source } : {}),
      ...(source && p.fullSize && lost(p.fullSize) ? { fullSize: source } : {}),
      ...(target?.tcp && !p.tcp.answeredBy ? { tcp: target.tcp } : {}),
      ...(target?.udp && !p.udp.answeredBy ? { udp: target.udp } : {}),
    };
    if (Object.keys(found).length > 0) p.unobserved = { ...found, ...p.unobserved };
  }
  return raw;
}

/** Lab: the source node's underlay shrinks (real path MTU). Elsewhere the target pod drops frames above it. */
async function pathMtuBelowPods(cluster: ClusterHandle) {
  const pair = firstCrossNodePair(cluster, 'X-POD-1');
  if (cluster.capabilities.provider === 'lab') return lowerUnderlayMtu(cluster, pair.from.node, 100);
  const mtu = (await podMtu(pair.from)).mtu;
  if (!mtu) throw new Error(`failed to break X-POD-1: pod ${pair.from.name} has no readable MTU`);
  return applyTrafficFault(cluster, pair, { kind: 'drop-above', bytes: mtu - 100 });
}

function pingView(out: IcmpRun, df: boolean, count: number): PingView {
  return {
    packet: out.size?.packet ?? 0, df, count,
    sent: out.counted.sent, received: out.counted.received,
    errors: out.errorLines, ...(out.reportedMtu ? { reportedMtu: out.reportedMtu } : {}),
    ...(out.summary ? {} : { noSummary: true }),
  };
}

function pingText(v: PingView): string {
  if (v.noSummary) return `ping printed no statistics${v.errors[0] ? `: ${v.errors[0]}` : ''}`;
  const loss = v.sent > 0 ? Math.round(((v.sent - v.received) / v.sent) * 100) : 100;
  const errors = v.errors.length > 0 ? `; ${v.errors[0]}${v.errors.length > 1 ? ` (+${v.errors.length - 1} more)` : ''}` : '';
  const mtu = v.reportedMtu ? `; path MTU reported ${v.reportedMtu}` : '';
  const short = v.sent < v.count ? `; only ${v.sent} of ${v.count} sent before the run's bound` : '';
  return `${v.received}/${v.sent} received${v.received > 0 ? ` (${loss}% loss)` : ''}${short}${errors}${mtu}`;
}

/** Every problem of one pair, each naming the pair, the protocol and the packet size. */
export function pairProblems(p: PairTraffic): string[] {
  const pair = `${p.from} -> ${p.to} (${p.toAddress}) ${p.sameNode ? 'on the same node' : 'across nodes'}`;
  const problems: string[] = [];
  // A failure the probe could not judge says so, with its cause (suites/verdict.ts).
  const push = (probe: Probe, text: string) => problems.push(p.unobserved?.[probe] ? unobserved(text, p.unobserved[probe]) : text);
  if (lost(p.burst)) push('burst', `${pair}: ICMP burst of ${p.burst.sent || p.burst.count} ${p.burst.packet}-byte packets: ${pingText(p.burst)}`);
  if (!p.mtu || !p.fullSize) problems.push(`${pair}: the MTU of ${p.from} could not be read, so no full-size packet was sent`);
  else if (lost(p.fullSize)) {
    push('fullSize', `${pair}: full-size ${p.mtu}-byte packet with DF (ping -M do -s ${p.mtu - ICMP_OVERHEAD}): ${pingText(p.fullSize)}`);
  }
  for (const [probe, proto, port, reply] of [['tcp', 'TCP', POD_TCP_PORT, p.tcp], ['udp', 'UDP', POD_UDP_PORT, p.udp]] as const) {
    if (!reply.answeredBy) push(probe, `${pair}: ${proto} ${port}: no answer (${reply.error ?? 'nothing received'})`);
    else if (reply.answeredBy !== p.to) problems.push(`${pair}: ${proto} ${port}: answered by ${reply.answeredBy}, expected ${p.to}`);
  }
  // Where the traced probe's packets were lost: a line of its own, after the probe's (whose text the controls match).
  if (p.located) problems.push(`${failureName({ from: p.from, to: p.to, probe: p.located.probe })}: ${p.located.text}`);
  if (p.unparsed.length > 0) problems.push(`${pair}: client output the parsers do not understand: ${p.unparsed.map((l) => JSON.stringify(l)).join(', ')}`);
  return problems;
}

/** A matrix cell: "ok", or the protocols that failed with their numbers. */
export function pairCell(p: PairTraffic): string {
  const bad: string[] = [];
  if (lost(p.burst)) bad.push(`ICMP ${p.burst.received}/${p.burst.sent}`);
  if (!p.fullSize) bad.push('no MTU');
  else if (lost(p.fullSize)) bad.push(`DF ${p.mtu} ${p.fullSize.received}/${p.fullSize.sent}`);
  if (p.tcp.answeredBy !== p.to) bad.push(`TCP ${p.tcp.answeredBy ? `by ${p.tcp.answeredBy}` : 'no answer'}`);
  if (p.udp.answeredBy !== p.to) bad.push(`UDP ${p.udp.answeredBy ? `by ${p.udp.answeredBy}` : 'no answer'}`);
  return bad.length === 0 ? `ok (${p.burst.received}/${p.burst.sent}, DF ${p.mtu})` : `FAIL ${bad.join(', ')}`;
}
