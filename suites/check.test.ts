import { expect, it } from 'vitest';
import type { ClusterHandle, PodHandle } from '../clusters/types.ts';
import { checkBehaviour, defineBehaviour } from './check.ts';

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
