import type { ClusterHandle, Executor, KubeActions } from '../clusters/types.ts';

export type { KubeActions };
import type { Capabilities } from '../clusters/types.ts';
import type { Requirement } from './types.ts';

/** A cluster handle with the optional Kubernetes actions (kind provider). */
export type KubeCluster = ClusterHandle;

export function kubeOf(cluster: ClusterHandle): KubeActions {
  const kube = cluster.kube;
  if (!kube) throw new Error(`cluster "${cluster.name}": no Kubernetes actions (kube) on this handle; run this behaviour on a kind cluster`);
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

/** Requirement: the detected CNI. */
export function cniIs(cni: Capabilities['cni']): Requirement {
  return { name: `cni ${cni}`, met: (c) => c.cni === cni, reason: (c) => `detected CNI is ${c.cni}, not ${cni}` };
}

/** Requirement: a datapath feature the profile/detection reports in capabilities.features. */
export function feature(name: string, why: string): Requirement {
  return {
    name: `feature ${name}`,
    met: (c) => c.features.includes(name),
    reason: (c) => `feature "${name}" not detected (${why}); detected: ${c.features.join(', ') || 'none'}`,
  };
}

/** Requirement: only kind (or attach) clusters have a Kubernetes API. */
export const onKubernetes: Requirement = {
  name: 'a Kubernetes cluster',
  met: (c) => c.provider !== 'lab',
  reason: () => 'the lab provider has no Kubernetes API; run on a kind profile',
};
