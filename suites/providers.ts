import { labProvider } from '../clusters/lab/provider.ts';
import type { LabProfile } from '../clusters/lab/types.ts';
import type { ClusterHandle, CreateOptions, Profile } from '../clusters/types.ts';

/** Creates a cluster for a profile with the provider the profile names. */
export async function createCluster(profile: Profile, options: CreateOptions): Promise<ClusterHandle> {
  switch (profile.provider) {
    case 'lab':
      return labProvider.create(profile as LabProfile, options);
    default:
      throw new Error(`profile "${profile.name}": provider "${profile.provider}" is not available in this build`);
  }
}
