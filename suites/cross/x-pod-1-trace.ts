import { hopPlanOf } from '../../clusters/lab/hop-plan.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { PROBE_NAMES, traceHops } from '../../helpers/hop-trace/trace.ts';
import type { TracedProbe } from '../../helpers/hop-trace/types.ts';
import { ICMP_OVERHEAD } from '../../helpers/probes/traffic.ts';
import type { Observation } from '../types.ts';
import type { PairTraffic, PingView } from './x-pod-1.ts';

/**
 * Traces per run at most: each costs a few seconds (captures at every hop, a client waiting out its deadlines), and one
 * fault usually fails several pairs the same way. Pairs across nodes go first; the others are listed as not traced.
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
 * Where X-POD-1's failing pairs lost their packets, on datapaths that declare their hops (the lab): each traced pair gets
 * `located` (its probe and the hop named, or why none was), its evidence goes to `raw`. Elsewhere nothing is traced.
 */
export async function locateFailures(cluster: ClusterHandle, pairs: PairTraffic[], raw: Record<string, string>): Promise<NonNullable<Observation<unknown>['located']>> {
  const plan = hopPlanOf(cluster);
  if (!plan) return [];
  const failing = pairs.flatMap((p) => { const probe = failedProbe(p); return probe ? [{ p, probe }] : []; })
    .sort((x, y) => Number(x.p.sameNode) - Number(y.p.sameNode));
  const located: NonNullable<Observation<unknown>['located']> = [];
  for (const [i, { p, probe }] of failing.entries()) {
    const what = `${p.from} -> ${p.to} ${PROBE_NAMES[probe]}`;
    if (i >= MAX_TRACES) { p.located = { probe, text: `not traced (at most ${MAX_TRACES} traces a run)` }; continue; }
    try {
      const icmpPayload = probe === 'fullSize' && p.mtu ? p.mtu - ICMP_OVERHEAD : 56;
      const { trace, raw: evidence } = await traceHops(cluster, plan, cluster.pod(p.from), cluster.pod(p.to), probe, { icmpPayload });
      Object.assign(raw, evidence);
      const text = trace.location?.text ?? `not located: ${trace.notLocated}`;
      p.located = { probe, text };
      located.push({ what, ...(trace.location ? { at: trace.location.at } : {}), text });
    } catch (error) {
      // The trace is evidence, not the check: a trace that breaks is said, and the check's own verdict stands.
      const text = `not located: the trace failed: ${(error as Error).message.split('\n')[0]}`;
      p.located = { probe, text };
      located.push({ what, text });
    }
  }
  return located;
}
