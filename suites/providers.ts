import { attachCluster, attachOptionsFromEnv } from '../clusters/attach/index.ts';
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
  if (context) return attachCluster(profile, attachOptionsFromEnv());
  switch (profile.provider) {
    case 'lab':
      return labProvider.create(profile as LabProfile, options);
    case 'kind':
      return kindProvider.create(profile as KindProfile, options);
  }
}
