import { describe, expect, it } from 'vitest';
import type { ClusterHandle, PodHandle } from '../clusters/types.ts';
import { checkBehaviour, defineBehaviour, recovered, recoveryIntervalMs } from './check.ts';
import type { Behaviour } from './types.ts';
import { verdictOf } from './verdict.ts';
import { Unanswered } from '../clusters/unanswered.ts';

it('checkBehaviour re-reads the live pods before every probe (a control may have replaced one)', async () => {
  const pod = (name: string) => ({ name, namespace: 'cni-conformance', node: 'w1', addresses: [], labels: {}, exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) }) as PodHandle;
  const live = [[pod('fixed-ip-old')], [pod('fixed-ip-new')]];
  const pods: PodHandle[] = [];
  let reads = 0;
  const cluster = { name: 'c', pods, refresh: async () => { pods.splice(0, pods.length, ...live[Math.min(reads++, 1)]!); } } as unknown as ClusterHandle;
  const seen = defineBehaviour<string>({
    id: 'T-1', title: 't', docs: '', requires: [], negativeControls: [],
    probe: async (c) => ({ raw: {}, value: c.pods.map((p) => p.name).join(',') }),
    expect: () => [],
  });
  expect((await checkBehaviour(seen, cluster)).observation.value).toBe('fixed-ip-old');
  expect((await checkBehaviour(seen, cluster)).observation.value).toBe('fixed-ip-new');
  expect(reads).toBe(2);
});


/** A behaviour whose probe reports `states` in turn (a string is a problem, an Error a failed probe, null holds). */
function converging(states: Array<string | Error | null>): { b: Behaviour<string | null>; probes: () => number } {
  let n = 0;
  const b: Behaviour<string | null> = {
    id: 'T-1', title: 't', docs: '', requires: [], negativeControls: [],
    async probe() {
      const s = states[Math.min(n++, states.length - 1)]!;
      if (s instanceof Error) throw s;
      return { raw: {}, value: s };
    },
    expect: (v) => (v === null ? [] : [v]),
  };
  return { b, probes: () => n };
}
const cluster = {} as ClusterHandle;

describe('recovered: the recovery check after a negative control polls within the convergence deadline', () => {
  it('holds once the state comes back, after a failed probe and a problem', async () => {
    const { b, probes } = converging([new Error('agent restarting'), 'KUBE-SERVICES empty', null]);
    expect(await recovered(b, cluster, 5_000, 10)).toEqual([]);
    expect(probes()).toBe(3);
  });
  it('returns the last problems when the deadline passes', async () => {
    const { b } = converging(['still broken']);
    const started = Date.now();
    expect(await recovered(b, cluster, 200, 20)).toEqual(['still broken']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
  it('reports a probe that keeps throwing as a problem, not as an exception', async () => {
    const { b } = converging([new Error('no calico-vpp-node pod')]);
    expect(await recovered(b, cluster, 50, 10)).toEqual(['probe failed: no calico-vpp-node pod']);
  });
  it('a probe whose command nothing answered is a problem it could not observe (INCONCLUSIVE), not a failure', async () => {
    const { b } = converging([new Unanswered('ip -4 route show', 'container cc-1-node-a', 'Error response from daemon: Container 3f9c is not running')]);
    const left = await recovered(b, cluster, 50, 10);
    expect(left).toEqual(['could not observe: probe: ip -4 route show in container cc-1-node-a (Error response from daemon: Container 3f9c is not running)']);
    expect(verdictOf(left)).toBe('inconclusive');
  });
  it('probes once, without waiting, when the behaviour already holds', async () => {
    const { b, probes } = converging([null]);
    expect(await recovered(b, cluster, 60_000)).toEqual([]);
    expect(probes()).toBe(1);
  });
  it('polls the lab at its timescale and kind/attach as before', () => {
    const on = (provider: string) => ({ capabilities: { provider } }) as unknown as ClusterHandle;
    expect(recoveryIntervalMs(on('lab'))).toBe(200);
    expect(recoveryIntervalMs(on('kind'))).toBe(2_000);
    expect(recoveryIntervalMs(on('attach'))).toBe(2_000);
  });
});
