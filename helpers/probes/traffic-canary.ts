import type { PodHandle } from '../../clusters/types.ts';
import type { PodReply } from '../parsers/pod-reply.ts';
import type { Probed } from './net.ts';
import { icmpClient, icmpLost, runClients, tcpClient, udpClient, type Client, type IcmpRun, type TrafficTimings } from './traffic.ts';

export type CanaryProtocol = 'icmp' | 'tcp' | 'udp';

/**
 * Canaries for failures that a confirmation run did not clear: the same client on the pod's own loopback, which no
 * CNI datapath and no negative control touches (every control matches a source, a destination or a device; see
 * traffic-faults.ts and traffic-pair-deny.ts). A target whose own server does not answer on 127.0.0.1 cannot show
 * whether the network carries its traffic; a source that loses echo replies from itself is on a machine losing ICMP
 * replies everywhere (the kernel sends every netns' replies through one socket per CPU, net/ipv4/icmp.c@v6.18).
 * Returns, per pod and protocol that failed its canary, the cause in words; the raw runs go to the report.
 */
export async function loopbackCanaries(asks: Map<PodHandle, Set<CanaryProtocol>>, t: TrafficTimings, count: number): Promise<{ causes: Map<string, Partial<Record<CanaryProtocol, string>>>; raw: Array<[string, Probed<unknown>]> }> {
  const causes = new Map<string, Partial<Record<CanaryProtocol, string>>>();
  const raw: Array<[string, Probed<unknown>]> = [];
  await Promise.all([...asks].map(async ([pod, protocols]) => {
    const list = [...protocols];
    // Generous deadlines: a canary only decides between "the datapath" and "we could not look".
    const clients: Record<CanaryProtocol, Client<unknown>> = {
      icmp: icmpClient('127.0.0.1', { count, intervalS: t.burst.intervalS, waitS: t.confirm.waitS, ...(t.confirm.boundS ? { boundS: t.confirm.boundS } : {}), ...(t.preload ? { preload: true } : {}), quiet: true }),
      tcp: tcpClient('127.0.0.1', t.confirm),
      udp: udpClient('127.0.0.1', t.confirm),
    };
    const runs = await runClients(pod, list.map((p) => clients[p]));
    const mine: Partial<Record<CanaryProtocol, string>> = {};
    list.forEach((protocol, i) => {
      const r = runs[i]!;
      raw.push([`${pod.name} loopback canary (${protocol})`, r]);
      const cause = canaryCause(pod.name, protocol, r, count);
      if (cause) mine[protocol] = cause;
    });
    if (Object.keys(mine).length > 0) causes.set(pod.name, mine);
  }));
  return { causes, raw };
}

/** Why a canary run says nothing can be judged, or undefined when the loopback answered as it should. */
export function canaryCause(pod: string, protocol: CanaryProtocol, r: Probed<unknown>, count: number): string | undefined {
  if (r.unobserved) return `${pod}: ${r.unobserved}`;
  if (protocol === 'icmp') {
    const run = r.value as IcmpRun;
    return icmpLost(run, count) ? `${pod} lost echo replies from its own loopback too (${run.counted.received}/${run.counted.sent}): the machine is losing ICMP replies, not this path` : undefined;
  }
  const reply = r.value as PodReply;
  return reply.answeredBy === pod ? undefined : `${pod}'s own ${protocol.toUpperCase()} server did not answer on its loopback either (${reply.answeredBy ? `answered by ${reply.answeredBy}` : reply.error ?? 'no answer'}): the server, not the path`;
}
