import type { LabProfile } from '../../lab/types.ts';
import { calicoLab } from './calico-lab.ts';
import { cniProfiles } from './cni/index.ts';
import { fundamentalsProfiles } from './fundamentals/index.ts';

/** Lab profiles: reference datapaths built from the kernel primitives the CNIs use. */
export const labProfiles: LabProfile[] = [calicoLab, ...cniProfiles, ...fundamentalsProfiles];
