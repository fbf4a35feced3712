import type { LabProfile } from '../../../lab/types.ts';
import { calicoBgpMeshLab } from './calico-bgp-mesh.ts';
import { calicoBgpRrLab } from './calico-bgp-rr.ts';

/** CNI reference datapaths beyond calico-lab: BGP mesh/RR, VXLAN, IPIP, flannel. */
export const cniProfiles: LabProfile[] = [calicoBgpMeshLab, calicoBgpRrLab];
