import { hopPlanOf } from '../../clusters/lab/hop-plan.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { tracedLoss } from '../../helpers/hop-trace/locate.ts';
import { PROBE_NAMES, tracePairs, type TraceRequest, type TraceResult } from '../../helpers/hop-trace/trace.ts';
import type { TracedProbe } from '../../helpers/hop-trace/types.ts';
import { ICMP_OVERHEAD } from '../../helpers/probes/traffic.ts';
import type { Observation } from '../types.ts';
import type { PairTraffic, PingView } from './x-pod-1.ts';

/**
 * Traces per run at most: one fault usually fails several pairs the same way, and the traces of a run share their
 * captures (helpers/hop-trace/trace.ts tracePairs: all at once). Pairs across nodes go first; the others are listed as
 * not traced. A negative control asks for fewer (ProbeOptions.maxTraces): it breaks one thing, and one trace names it.
 */
export const MAX_TRACES = 3;

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
 * Where X-POD-1's failing pairs lost their packets, on datapaths that declare their hops (the lab): the first
 * `maxTraces` failing pairs are traced at once, each gets `located` (its probe and the hop named, or why none was), and
 * their evidence goes to `raw`. Elsewhere nothing is traced.
 */
export async function locateFailures(cluster: ClusterHandle, pairs: PairTraffic[], raw: Record<string, string>, maxTraces = MAX_TRACES): Promise<NonNullable<Observation<unknown>['located']>> {
  const plan = hopPlanOf(cluster);
  if (!plan) return [];
  const failing = pairs.flatMap((p) => { const probe = failedProbe(p); return probe ? [{ p, probe }] : []; })
    .sort((x, y) => Number(x.p.sameNode) - Number(y.p.sameNode));
  for (const { p, probe } of failing.slice(maxTraces)) p.located = { probe, text: `not traced (at most ${maxTraces} trace${maxTraces === 1 ? '' : 's'} a run)` };
  const chosen = failing.slice(0, maxTraces);
  // The trace is evidence, not the check: a trace that breaks is said, and the check's own verdict stands.
  const results = chosen.length === 0 ? [] : await (async () => tracePairs(cluster, plan, chosen.map(({ p, probe }): TraceRequest => ({
    from: cluster.pod(p.from), to: cluster.pod(p.to), probe, icmpPayload: probe === 'fullSize' && p.mtu ? p.mtu - ICMP_OVERHEAD : 56,
  }))))().catch((error: unknown) => chosen.map((): TraceResult => ({ error: error as Error })));
  return chosen.map(({ p, probe }, i) => {
    const what = `${p.from} -> ${p.to} ${PROBE_NAMES[probe]}`;
    const result = results[i]!;
    if ('error' in result) {
      const text = `not located: the trace failed: ${result.error.message.split('\n')[0]}`;
      p.located = { probe, text };
      return { what, text };
    }
    Object.assign(raw, result.raw);
    const located = tracedLoss(what, result.trace);
    p.located = { probe, text: located.text };
    return located;
  });
}
