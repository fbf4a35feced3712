import type { KindProfile } from '../../kind/types.ts';
import { calicoPool } from './calico-common.ts';
import { crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const calicoVxlan: KindProfile = {
  name: 'calico-vxlan',
  description: 'Calico VXLAN (vxlan.calico, VNI 4096) from calico-vxlan.yaml: calico_backend vxlan, so BIRD does not run.',
  provider: 'kind',
  cni: 'calico',
  behaviours: ['K-VX-1', 'K-GW-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cal-vxlan',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet },
    nodes: threeNodes(),
    install: {
      cni: 'calico',
      backend: 'vxlan',
      resources: [calicoPool({ ipipMode: 'Never', vxlanMode: 'Always' })],
    },
  }],
};
