import type { LabProfile } from '../../../lab/types.ts';
import { calicoBgpMeshLab } from './calico-bgp-mesh.ts';
import { calicoBgpRrLab } from './calico-bgp-rr.ts';
import { calicoIpipLab } from './calico-ipip.ts';
import { calicoVxlanLab } from './calico-vxlan.ts';
import { flannelHostGwLab, flannelVxlanLab } from './flannel.ts';

/** CNI reference datapaths beyond calico-lab: BGP mesh/RR, VXLAN, IPIP, flannel. */
export const cniProfiles: LabProfile[] = [calicoBgpMeshLab, calicoBgpRrLab, calicoVxlanLab, calicoIpipLab, flannelVxlanLab, flannelHostGwLab];
