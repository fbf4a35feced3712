import { expect, test } from 'vitest';
import { kindKubeActions, type KubeApi } from './kube-actions.ts';
import type { CommandRunner } from './runner.ts';

test('kube.run hands the caller\'s timeoutMs to the runner as an abort signal (issue 11 item 4: it was dropped)', async () => {
  const signals: Array<AbortSignal | undefined> = [];
  const runner: CommandRunner = { where: 'fake', run: async (_command, signal) => { signals.push(signal); return { stdout: '', stderr: '', exitCode: 0 }; } };
  const kube = kindKubeActions('c1', runner, {} as KubeApi, '/plan');
  await kube.run(['cilium', 'connectivity', 'test'], { timeoutMs: 50 });
  await kube.run(['kubectl', 'get', 'nodes']);
  expect(signals[0]).toBeInstanceOf(AbortSignal);
  expect(signals[0]!.aborted).toBe(false);
  await new Promise((resolve) => signals[0]!.addEventListener('abort', resolve));
  expect(signals[0]!.aborted).toBe(true);
  expect(signals[1]).toBeUndefined();
});
