import { hopPlanOf, type HopPlan } from '../clusters/lab/hop-plan.ts';
import type { ClusterHandle } from '../clusters/types.ts';
import { tracedLoss } from '../helpers/hop-trace/locate.ts';
import { failureName, tracePairs, type TraceRequest, type TraceResult } from '../helpers/hop-trace/trace.ts';
import type { TracedLoss, TracedProbe } from '../helpers/hop-trace/types.ts';

/**
 * Traces per run at most: one fault usually fails several pairs the same way, and the traces of a run share their
 * captures (helpers/hop-trace/trace.ts tracePairs: all at once). Pairs across nodes go first; the others are listed as
 * not traced. A negative control asks for fewer (ProbeOptions.maxTraces): it breaks one thing, and one trace names it.
 */
export const MAX_TRACES = 3;

/** ping's payload when a check sends no -s: iputils ping/ping.h@20221126 DEFDATALEN (64 - 8), the lab image's ping (Debian bookworm). */
const DEFAULT_ICMP_PAYLOAD = 56;

/** A confirmed failure a check asks to trace: pod to pod by name, the probe that failed, and the ICMP payload it sent. */
export interface FailedPair {
  from: string;
  to: string;
  probe: TracedProbe;
  icmpPayload?: number;
}

/** A failure to trace, and where the check keeps what was found: the hop named, why none was, or that it was not traced. */
export interface ToLocate extends FailedPair {
  located(text: string): void;
}

/** Traces the pairs on a lab datapath (tracePairs); a test hands in a replay of recorded traces. */
export type Tracer = (cluster: ClusterHandle, plan: HopPlan, requests: TraceRequest[]) => Promise<TraceResult[]>;

/**
 * Where a check's failing pod pairs lost their packets, on datapaths that declare their hops (the lab): the first
 * `maxTraces` of them (across nodes first) are traced at once, and their evidence goes to `raw`. Each failure is told
 * its line (ToLocate.located): the hop named, why none was, or "not traced" past the bound. Returns the traced ones
 * (Observation.located). Elsewhere nothing is traced or told.
 */
export async function locateFailed(
  cluster: ClusterHandle, failed: ToLocate[], raw: Record<string, string>, maxTraces = MAX_TRACES, trace: Tracer = tracePairs,
): Promise<TracedLoss[]> {
  const plan = hopPlanOf(cluster);
  if (!plan || failed.length === 0) return [];
  const sameNode = (f: FailedPair) => Number(cluster.pod(f.from).node === cluster.pod(f.to).node);
  const [chosen, rest] = ((sorted) => [sorted.slice(0, maxTraces), sorted.slice(maxTraces)])([...failed].sort((x, y) => sameNode(x) - sameNode(y)));
  for (const f of rest) f.located(`not traced (at most ${maxTraces} trace${maxTraces === 1 ? '' : 's'} a run)`);
  // The trace is evidence, not the check: a trace that breaks is said, and the check's own verdict stands.
  const results = chosen.length === 0 ? [] : await (async () => trace(cluster, plan, chosen.map((f): TraceRequest => ({
    from: cluster.pod(f.from), to: cluster.pod(f.to), probe: f.probe, icmpPayload: f.icmpPayload ?? DEFAULT_ICMP_PAYLOAD,
  }))))().catch((error: unknown) => chosen.map((): TraceResult => ({ error: error as Error })));
  return chosen.map((f, k): TracedLoss => {
    const what = failureName(f);
    const result = results[k]!;
    const loss = 'error' in result ? { what, text: `not located: the trace failed: ${result.error.message.split('\n')[0]}` } : tracedLoss(what, result.trace);
    if (!('error' in result)) Object.assign(raw, result.raw);
    f.located(loss.text);
    return loss;
  });
}
