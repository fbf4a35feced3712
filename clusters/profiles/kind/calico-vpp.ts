import type { KindProfile } from '../../kind/types.ts';
import { calicoPool } from './calico-common.ts';
import { kindPodSubnet, kindServiceSubnet, threeNodes } from './common.ts';

export const calicoVpp: KindProfile = {
  name: 'calico-vpp',
  description: 'Calico with the VPP dataplane (calico-vpp-kind.yaml, af_packet uplink): eth0 is handed to VPP and replaced by a tap.',
  provider: 'kind',
  cni: 'calico',
  behaviours: ['K-VPP-1', 'X-POD-1'],
  clusters: [{
    suffix: 'cal-vpp',
    // serviceSubnet must equal SERVICE_PREFIX in calico-vpp-kind.yaml (checked against upstream in tests).
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet, serviceSubnet: kindServiceSubnet },
    nodes: threeNodes(),
    install: {
      cni: 'calico',
      calicoNetwork: { linuxDataplane: 'VPP' },
      resources: [calicoPool({ ipipMode: 'Never', vxlanMode: 'Always' })],
      vpp: true,
    },
  }],
};
