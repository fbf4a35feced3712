import type { KindProfile } from '../../kind/types.ts';
import { crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const flannelHostGw: KindProfile = {
  name: 'flannel-host-gw',
  description: 'flannel host-gw backend: remote pod subnets routed via the node addresses, no encapsulation device.',
  provider: 'kind',
  cni: 'flannel',
  behaviours: ['L-HG-1', ...crossBehaviours],
  clusters: [{
    suffix: 'fl-hostgw',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet },
    nodes: threeNodes(),
    install: {
      cni: 'flannel',
      netConf: { Network: kindPodSubnet, EnableNFTables: false, Backend: { Type: 'host-gw' } },
    },
  }],
};
