import { readdirSync, readFileSync } from 'node:fs';
import type { HopPlan } from '../../clusters/lab/hop-plan.ts';
import { labProfiles } from '../../clusters/profiles/lab/index.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { pairHops } from './path.ts';
import { judgeTrace, type RecordedTrace, type TraceRequest, type TraceResult } from './trace.ts';
import type { HopPlace, HopTrace, TracedProbe } from './types.ts';

/** A trace recorded on the lab with a mutate fault applied (fixtures/, each file's `source` says how). For tests. */
export interface Recording extends RecordedTrace {
  source: string;
  profile: string;
  fault: string;
  injectedAt: HopPlace[];
  from: string;
  to: string;
  probe: TracedProbe;
  icmpPayload: number;
}

const dir = new URL('./fixtures/', import.meta.url);
export const recordings: Recording[] = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Recording);

/** The recording "<profile>/<fault>" ("calico-vxlan/drop-tcp"). */
export function recording(name: string): Recording {
  const r = recordings.find((x) => `${x.profile}/${x.fault}` === name);
  if (!r) throw new Error(`recording "${name}": none in helpers/hop-trace/fixtures; known: ${recordings.map((x) => `${x.profile}/${x.fault}`).join(', ')}`);
  return r;
}

export const planOf = (profile: string): HopPlan => labProfiles.find((p) => p.name === profile)!.datapath.hops!;

/** A recording judged again from scratch: the hops from its profile's hop plan, what each saw, and the loss. */
export const judgeRecording = (r: Recording, readings = r.readings, pairsAtOnce = 1): HopTrace =>
  judgeTrace(pairHops(planOf(r.profile), ...r.ends), { ...r, readings }, r, pairsAtOnce);

/**
 * A tracer that answers from recordings instead of the lab (helpers/hop-trace/trace.ts tracePairs' shape): each
 * request judged from the recording of its pair and probe, as if all were traced at once; a request with none fails.
 */
export function replayTracer(from: Recording[]): (cluster: ClusterHandle, plan: HopPlan, requests: TraceRequest[]) => Promise<TraceResult[]> {
  return async (_cluster, _plan, requests) => requests.map((q): TraceResult => {
    const r = from.find((x) => x.from === q.from.name && x.to === q.to.name && x.probe === q.probe);
    if (!r) return { error: new Error(`failed to trace ${q.from.name} -> ${q.to.name} ${q.probe}: no recording of it`) };
    return { trace: judgeRecording(r, r.readings, requests.length), raw: { [`hop trace ${r.from} -> ${r.to} ${r.probe}`]: r.source }, recorded: r };
  });
}

/**
 * A lab cluster of `profile` as a replayed trace needs it: its hop plan, and pods by name and node (with the
 * recordings' addresses where they have them). Nothing runs on it: a pod's exec fails.
 */
export function replayCluster(profile: string, pods: Array<[name: string, node: string]>): ClusterHandle {
  const address = (name: string) => recordings.filter((r) => r.profile === profile).flatMap((r) => r.ends).find((e) => e.pod === name)?.address;
  const handles = pods.map(([name, node]) => ({
    name, node, namespace: 'default', labels: {}, addresses: [address(name) ?? '10.0.0.1'],
    exec: () => Promise.reject(new Error(`replayed cluster: nothing runs on ${name}`)),
  }));
  const pod = (name: string) => {
    const p = handles.find((h) => h.name === name);
    if (!p) throw new Error(`replayed cluster ${profile}: no pod "${name}"`);
    return p;
  };
  return { capabilities: { provider: 'lab' }, profile: labProfiles.find((p) => p.name === profile)!, pods: handles, pod } as unknown as ClusterHandle;
}
