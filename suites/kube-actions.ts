import type { ClusterHandle, Executor, KubeActions } from '../clusters/types.ts';

export type { KubeActions };

export function kubeOf(cluster: ClusterHandle): KubeActions {
  const kube = cluster.kube;
  if (!kube) throw new Error(`cluster "${cluster.name}": no Kubernetes actions (kube) on this handle; run this behaviour on a kind or attached cluster`);
  return kube;
}

/** Runs argv and returns stdout; throws naming the subject, the command and its stderr. */
export async function output(where: string, exec: Executor['exec'], argv: string[]): Promise<string> {
  const r = await exec(argv);
  if (r.exitCode !== 0) throw new Error(`${where}: "${argv.join(' ')}" exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  return r.stdout;
}

export async function kubectl(cluster: ClusterHandle, args: string[]): Promise<string> {
  const kube = kubeOf(cluster);
  return output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['kubectl', ...args]);
}
