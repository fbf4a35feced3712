import type { LabProfile } from '../../../lab/types.ts';

/** CNI reference datapaths beyond calico-lab: BGP mesh/RR, VXLAN, IPIP, flannel. */
export const cniProfiles: LabProfile[] = [];
