import { attachCluster } from '../clusters/attach/index.ts';
import { kindProvider } from '../clusters/kind/index.ts';
import type { KindProfile } from '../clusters/kind/types.ts';
import { labProvider } from '../clusters/lab/provider.ts';
import type { LabProfile } from '../clusters/lab/types.ts';
import type { ClusterHandle, CreateOptions, Profile } from '../clusters/types.ts';

/**
 * A cluster for a profile: attached when CNI_CONFORMANCE_ATTACH names a kubeconfig context (nothing is
 * created or deleted), else built by the provider the profile names.
 */
export async function createCluster(profile: Profile, options: CreateOptions): Promise<ClusterHandle> {
  const context = process.env.CNI_CONFORMANCE_ATTACH;
  if (context) {
    const nodeExec = process.env.CNI_CONFORMANCE_NODE_EXEC;
    return attachCluster(profile, {
      context,
      kubeconfig: process.env.KUBECONFIG ?? `${process.env.HOME}/.kube/config`,
      nodeExec: nodeExec ? nodeExec.split(' ').filter(Boolean) : 'docker',
    });
  }
  switch (profile.provider) {
    case 'lab':
      return labProvider.create(profile as LabProfile, options);
    case 'kind':
      return kindProvider.create(profile as KindProfile, options);
  }
}
