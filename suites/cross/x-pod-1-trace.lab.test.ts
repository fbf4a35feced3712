import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labProvider } from '../../clusters/lab/provider.ts';
import { calicoVxlanLab } from '../../clusters/profiles/lab/cni/calico-vxlan.ts';
import { newRunId, removeRunSync } from '../../clusters/run.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { faultsFor } from '../../mutate/library.ts';
import { checkBehaviour } from '../check.ts';
import { xPod1 } from './x-pod-1.ts';
import { MAX_TRACES } from '../locate-failures.ts';

describe('X-POD-1 names where a confirmed failure lost its packets (calico-vxlan lab)', () => {
  // A run id of its own: calico-vxlan's profile file builds a cluster of the same name in this vitest run, maybe at the same time.
  const runId = newRunId();
  let cluster: ClusterHandle;
  beforeAll(async () => {
    process.once('exit', () => removeRunSync(runId, calicoVxlanLab.name));
    cluster = await labProvider.create(calicoVxlanLab, { runId });
  });
  afterAll(async () => { await cluster?.destroy(); });

  it('the remote node dropping VXLAN on input: the traced pairs name its INPUT chain, with the VNI and the rule\'s count', async () => {
    const fault = faultsFor(calicoVxlanLab.name, ['vxlan-port-dropped-remote'])[0]!;
    const injectedAt = await fault.injectedAt(cluster);
    const breakage = await fault.apply(cluster);
    try {
      await cluster.settle?.();
      const { observation, problems } = await checkBehaviour(xPod1, cluster, { locate: true });
      const lines = problems.filter((p) => /^\S+ -> \S+ (ICMP|TCP|UDP|full-size)[^:]*: lost /.test(p));
      expect(lines.length, problems.join('\n')).toBeGreaterThan(0);
      expect(lines[0]).toMatch(/^pod-a\d -> pod-b\d ICMP: lost between eth0 on node-b and vxlan\.calico on node-b: \d+ seen on eth0 on node-b, 0 on vxlan\.calico on node-b, carried as VXLAN VNI 4096 to 172\.30\.0\.\d+:4789 \(node-b INPUT dropped \d+: -p udp -m udp --dport 4789 /);
      // Traced at once (one capture per device for the three pairs): each names the injected hop, from its own packets.
      expect(observation.located?.length).toBe(MAX_TRACES);
      for (const located of observation.located ?? []) expect(located.at, located.text).toEqual(injectedAt[0]);
      expect(observation.located?.[1]?.text).toMatch(/\[the node's counters, over the 3 pairs traced at once\]$/);
      // The evidence of every hop is attached: the hop table and each capture.
      expect(Object.keys(observation.raw).filter((k) => k.startsWith('hop trace ')).some((k) => /tcpdump -lnn --immediate-mode -i vxlan\.calico/.test(k))).toBe(true);
      // A negative control traces one pair (suites/run-profile.ts CONTROL_TRACES): the others say they were not traced.
      const one = await checkBehaviour(xPod1, cluster, { locate: true, maxTraces: 1 });
      expect(one.observation.located?.length).toBe(1);
      expect(one.observation.located?.[0]?.at).toEqual(injectedAt[0]);
      expect(one.observation.located?.[0]?.text).not.toMatch(/pairs traced at once/);
      expect(one.problems.filter((p) => p.endsWith('not traced (at most 1 trace a run)')).length).toBeGreaterThan(0);
    } finally {
      await breakage.undo();
    }
  });
});
