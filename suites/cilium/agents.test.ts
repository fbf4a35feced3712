import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, PodHandle } from '../../clusters/types.ts';
import { agentsReplaced, setConfig } from './agents.ts';

/** Agents named `gen-<n>`; `cilium config set` bumps the generation, the new pods show after `lag` listings. */
function restartingCilium(lag: number): { cluster: ClusterHandle; calls: string[] } {
  const calls: string[] = [];
  let generation = 0;
  let listingsSinceSet = 0;
  const agent = (name: string): PodHandle => ({ name, namespace: 'kube-system', node: name, addresses: [], labels: {}, exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) });
  const kube = {
    context: 'kind-c1', workdir: '/tmp',
    async pods(_ns: string, selector: string) {
      calls.push(`pods ${selector}`);
      listingsSinceSet++;
      const shown = listingsSinceSet > lag ? generation : Math.max(0, generation - 1);
      return [agent(`cilium-${shown}-a`), agent(`cilium-${shown}-b`)];
    },
    async run(argv: string[]) {
      calls.push(argv.join(' '));
      if (argv[1] === 'config') { generation++; listingsSinceSet = 0; }
      return { stdout: '', stderr: '', exitCode: 0 };
    },
    waitReady: async () => { calls.push('waitReady'); },
  } as unknown as KubeActions;
  return { cluster: { name: 'c1', kube } as unknown as ClusterHandle, calls };
}

describe('Cilium config controls wait for the agents cilium-cli deletes (issue 11 item 7)', () => {
  it('apply and undo each return only after new agent pods replaced the old ones and cilium status --wait passed', async () => {
    const { cluster, calls } = restartingCilium(0);
    const breakage = await setConfig(cluster, 'enable-bpf-masquerade', 'false', 'true');
    await breakage.undo();
    expect(calls).toEqual([
      'pods k8s-app=cilium', 'cilium config set enable-bpf-masquerade false', 'pods k8s-app=cilium', 'cilium status --wait --interactive=false --wait-duration 5m',
      'pods k8s-app=cilium', 'cilium config set enable-bpf-masquerade true', 'pods k8s-app=cilium', 'cilium status --wait --interactive=false --wait-duration 5m',
    ]);
    expect(calls.some((c) => c.includes('rollout status') || c === 'waitReady')).toBe(false);
  });

  it('keeps polling while the old agents are listed, and names them when the deadline passes', async () => {
    const slow = restartingCilium(3);
    await slow.cluster.kube!.run(['cilium', 'config', 'set', 'k', 'v']);
    await agentsReplaced(slow.cluster, ['cilium-0-a', 'cilium-0-b'], 'test', 5_000, 5);
    expect(slow.calls.filter((c) => c.startsWith('pods'))).toHaveLength(4);
    const stuck = restartingCilium(1_000);
    await stuck.cluster.kube!.run(['cilium', 'config', 'set', 'k', 'v']);
    await expect(agentsReplaced(stuck.cluster, ['cilium-0-a', 'cilium-0-b'], 'test', 50, 5)).rejects.toThrow(/old agent pods still running: cilium-0-a, cilium-0-b/);
  });
});

describe('behaviours whose controls restart the agents have room for it in their test timeout', () => {
  it('two agent waits (5 min pods + 6 min cilium status each) fit, for every such behaviour', async () => {
    const { CONFIG_CONTROL_TIMEOUT_MS } = await import('./agents.ts');
    const { cHr1 } = await import('./c-hr-1.ts');
    const { cHr2 } = await import('./c-hr-2.ts');
    const { cMasq1 } = await import('./c-masq-1.ts');
    const { cDsr1 } = await import('./c-dsr-1.ts');
    expect(CONFIG_CONTROL_TIMEOUT_MS).toBeGreaterThanOrEqual(2 * (300_000 + 360_000));
    for (const b of [cHr1, cHr2, cMasq1, cDsr1]) expect(b.timeoutMs, b.id).toBe(CONFIG_CONTROL_TIMEOUT_MS);
  });
});
