import type { KindProfile } from '../../kind/types.ts';
import { calicoBgpMesh } from './calico-bgp-mesh.ts';
import { calicoBgpRr } from './calico-bgp-rr.ts';
import { calicoIpip } from './calico-ipip.ts';
import { calicoVpp } from './calico-vpp.ts';
import { calicoVxlan } from './calico-vxlan.ts';
import { ciliumClustermesh } from './cilium-clustermesh.ts';
import { ciliumDsr } from './cilium-dsr.ts';
import { ciliumKpr } from './cilium-kpr.ts';
import { ciliumLegacyHostRouting } from './cilium-legacy-host-routing.ts';
import { ciliumNative } from './cilium-native.ts';
import { ciliumVxlan } from './cilium-vxlan.ts';
import { flannelHostGw } from './flannel-host-gw.ts';
import { flannelVxlan } from './flannel-vxlan.ts';

/** Every kind profile, in the order reports list them. */
export const kindProfiles: readonly KindProfile[] = [
  ciliumVxlan, ciliumKpr, ciliumNative, ciliumDsr, ciliumLegacyHostRouting, ciliumClustermesh,
  calicoIpip, calicoVxlan, calicoBgpMesh, calicoBgpRr, calicoVpp,
  flannelVxlan, flannelHostGw,
];
