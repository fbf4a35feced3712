import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labProvider } from '../clusters/lab/provider.ts';
import { calicoLab } from '../clusters/profiles/lab/calico-lab.ts';
import { newRunId, removeRunSync } from '../clusters/run.ts';
import type { ClusterHandle } from '../clusters/types.ts';
import { checkBehaviour } from './check.ts';
import { xPod1 } from './cross/x-pod-1.ts';
import { verdictOf } from './verdict.ts';

/** The verdicts on a real lab: a datapath fault is FAIL, a server that answers nobody is INCONCLUSIVE with its cause. */
describe('FAIL and INCONCLUSIVE on a real calico-lab', () => {
  const runId = newRunId();
  let cluster: ClusterHandle;
  beforeAll(async () => { cluster = await labProvider.create({ ...calicoLab, name: 'calico-lab-verdicts' }, { runId }); });
  afterAll(async () => { await cluster?.destroy(); removeRunSync(runId); });

  it('UDP dropped on the path is a confirmed FAIL; a pod whose UDP server answers not even its own loopback is INCONCLUSIVE, naming that', async () => {
    const drop = xPod1.negativeControls.find((c) => c.name.startsWith('UDP '))!;
    const breakage = await drop.apply(cluster);
    try {
      const broken = await checkBehaviour(xPod1, cluster);
      expect(verdictOf(broken.problems)).toBe('fail');
      expect(broken.problems.join('\n')).toMatch(drop.expectFailure);
      // The report keeps both runs of the failed client.
      expect(Object.values(broken.observation.raw).some((t) => /^first run: perl .*\n[\s\S]*confirmation run \(generous deadlines\): perl /.test(t))).toBe(true);
    } finally {
      await breakage.undo();
    }
    expect((await checkBehaviour(xPod1, cluster)).problems).toEqual([]);

    // pod-b1's UDP server stops (its argv ends with "8081 pod-b1", clusters/lab/pods.ts): its kernel answers every datagram
    // with an ICMP port unreachable, named as such, and its own loopback gets the same: the server, not the path.
    const kill = await cluster.node('node-b').exec(['pkill', '-f', '8081 pod-b1$']);
    expect(kill.exitCode).toBe(0);
    const dead = await checkBehaviour(xPod1, cluster);
    expect(verdictOf(dead.problems)).toBe('inconclusive');
    expect(dead.problems.length).toBe(3);
    for (const p of dead.problems) {
      expect(p).toMatch(/^could not observe: pod-\w+ -> pod-b1 \(\S+\) (on the same node|across nodes): UDP 8081: no answer \(recv: Connection refused \(ICMP port unreachable: nothing listens on that port\)\) \(pod-b1's own UDP server did not answer on its loopback either/);
    }
  });
});
