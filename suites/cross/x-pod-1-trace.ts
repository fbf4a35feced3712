import type { ClusterHandle } from '../../clusters/types.ts';
import type { TracedProbe } from '../../helpers/hop-trace/types.ts';
import { ICMP_OVERHEAD } from '../../helpers/probes/traffic.ts';
import { locateFailed, MAX_TRACES } from '../locate-failures.ts';
import type { Observation } from '../types.ts';
import type { PairTraffic, PingView } from './x-pod-1.ts';

/** Lost: a reply missing, or fewer packets sent than counted (a run cut short by its bound). */
export const lost = (v: PingView): boolean => v.noSummary === true || v.sent === 0 || v.sent < v.count || v.received < v.sent;

/** The first probe of a pair that failed (confirmed, not unobserved), in the order X-POD-1 reports them. */
export function failedProbe(p: PairTraffic): TracedProbe | undefined {
  const failed: Array<[TracedProbe, boolean]> = [
    ['burst', lost(p.burst)], ['fullSize', !!p.fullSize && lost(p.fullSize)], ['tcp', !p.tcp.answeredBy], ['udp', !p.udp.answeredBy],
  ];
  return failed.find(([probe, bad]) => bad && !p.unobserved?.[probe])?.[0];
}

/**
 * Where X-POD-1's failing pairs lost their packets (suites/locate-failures.ts): each failing pair gets `located` (its
 * probe and the hop named, why none was, or that it was not traced); the traces are returned for Observation.located.
 */
export async function locateFailures(cluster: ClusterHandle, pairs: PairTraffic[], raw: Record<string, string>, maxTraces = MAX_TRACES): Promise<NonNullable<Observation<unknown>['located']>> {
  return locateFailed(cluster, pairs.flatMap((p) => {
    const probe = failedProbe(p);
    return probe ? [{
      from: p.from, to: p.to, probe, ...(probe === 'fullSize' && p.mtu ? { icmpPayload: p.mtu - ICMP_OVERHEAD } : {}),
      located: (text: string) => { p.located = { probe, text }; },
    }] : [];
  }), raw, maxTraces);
}
