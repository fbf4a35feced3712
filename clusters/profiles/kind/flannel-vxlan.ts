import type { KindProfile } from '../../kind/types.ts';
import { crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const flannelVxlan: KindProfile = {
  name: 'flannel-vxlan',
  description: 'flannel VXLAN backend (flannel.1, VNI 1, port 8472) with the reference bridge plugin mounted into the kind nodes.',
  provider: 'kind',
  cni: 'flannel',
  behaviours: ['L-VX-1', ...crossBehaviours],
  clusters: [{
    suffix: 'fl-vxlan',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet },
    nodes: threeNodes(),
    install: {
      cni: 'flannel',
      netConf: { Network: kindPodSubnet, EnableNFTables: false, Backend: { Type: 'vxlan', VNI: 1, Port: 8472 } },
    },
  }],
};
