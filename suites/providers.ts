import type { KindProfile } from '../clusters/kind/types.ts';
import type { LabProfile } from '../clusters/lab/types.ts';
import type { ClusterHandle, CreateOptions, Profile } from '../clusters/types.ts';

/**
 * A cluster for a profile: attached when CNI_CONFORMANCE_ATTACH names a kubeconfig context (nothing is
 * created or deleted), else built by the provider the profile names.
 */
export async function createCluster(profile: Profile, options: CreateOptions): Promise<ClusterHandle> {
  // Each provider is loaded when a profile needs it: the Kubernetes client alone takes about 0.3 s to import.
  const context = process.env.CNI_CONFORMANCE_ATTACH;
  if (context) {
    const { attachCluster, attachOptionsFromEnv } = await import('../clusters/attach/index.ts');
    return attachCluster(profile, attachOptionsFromEnv());
  }
  switch (profile.provider) {
    case 'lab':
      return (await import('../clusters/lab/provider.ts')).labProvider.create(profile as LabProfile, options);
    case 'kind':
      return (await import('../clusters/kind/index.ts')).kindProvider.create(profile as KindProfile, options);
  }
}
