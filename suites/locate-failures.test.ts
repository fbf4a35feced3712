import { describe, expect, it } from 'vitest';
import { recording, replayCluster, replayTracer } from '../helpers/hop-trace/recordings.ts';
import type { ClusterHandle } from '../clusters/types.ts';
import { locateFailed, type ToLocate } from './locate-failures.ts';

/** Failures to trace, each keeping the line it is told. */
function failures(...pairs: Array<[from: string, to: string, probe: ToLocate['probe']]>) {
  const told = new Map<string, string>();
  const list = pairs.map(([from, to, probe]): ToLocate => ({ from, to, probe, located: (text) => { told.set(`${from} -> ${to}`, text); } }));
  return { list, told };
}

describe('tracing a check\'s failing pairs (recorded lab traces replayed)', () => {
  const vxlan = replayCluster('calico-vxlan', [['pod-a1', 'node-a'], ['pod-a2', 'node-a'], ['pod-b1', 'node-b']]);
  const remoteDropped = recording('calico-vxlan/vxlan-port-dropped-remote');

  it('traces pairs across nodes first, names the injected hop, and tells the others they were not traced', async () => {
    const { list, told } = failures(['pod-a2', 'pod-a1', 'burst'], ['pod-a1', 'pod-b1', 'burst']);
    const raw: Record<string, string> = {};
    const traced = await locateFailed(vxlan, list, raw, 1, replayTracer([remoteDropped]));
    expect(traced).toHaveLength(1);
    expect(traced[0]!.what).toBe('pod-a1 -> pod-b1 ICMP');
    expect(traced[0]!.at).toEqual(remoteDropped.injectedAt[0]);
    expect(told.get('pod-a1 -> pod-b1')).toMatch(/^lost between eth0 on node-b and vxlan\.calico on node-b: 10 seen on eth0 on node-b, 0 on vxlan\.calico on node-b, carried as VXLAN VNI 4096 to 172\.30\.0\.12:4789 \(node-b INPUT dropped 10: /);
    expect(told.get('pod-a2 -> pod-a1')).toBe('not traced (at most 1 trace a run)');
    // The evidence of the traced pair is attached.
    expect(Object.keys(raw)).toEqual(['hop trace pod-a1 -> pod-b1 burst']);
  });

  it('a trace that breaks is said, never thrown: the check\'s own verdict stands', async () => {
    const { list, told } = failures(['pod-a1', 'pod-b1', 'tcp'], ['pod-b1', 'pod-a1', 'udp']);
    const traced = await locateFailed(vxlan, list, {}, 3, async () => { throw new Error('failed to trace on node-b: captures did not start (exit 4)\nmore'); });
    expect(traced.map((l) => l.text)).toEqual([
      'not located: the trace failed: failed to trace on node-b: captures did not start (exit 4)',
      'not located: the trace failed: failed to trace on node-b: captures did not start (exit 4)',
    ]);
    expect(told.size).toBe(2);
    // One pair the tracer could not trace, the other located.
    const one = failures(['pod-a1', 'pod-b1', 'burst'], ['pod-b1', 'pod-a1', 'udp']);
    const both = await locateFailed(vxlan, one.list, {}, 3, replayTracer([remoteDropped]));
    expect(both[0]!.at).toEqual(remoteDropped.injectedAt[0]);
    expect(both[1]!.text).toBe('not located: the trace failed: failed to trace pod-b1 -> pod-a1 udp: no recording of it');
  });

  it('traces nothing and tells nothing where the datapath declares no hops (kind, attach)', async () => {
    const kind = { capabilities: { provider: 'kind' }, profile: { name: 'kind/calico-vxlan' } } as unknown as ClusterHandle;
    const { list, told } = failures(['pod-a1', 'pod-b1', 'tcp']);
    const raw: Record<string, string> = {};
    expect(await locateFailed(kind, list, raw, 3, replayTracer([remoteDropped]))).toEqual([]);
    expect(told.size).toBe(0);
    expect(raw).toEqual({});
  });
});
