import type { KindProfile } from '../../kind/types.ts';
import { calicoAsNumber, calicoPool } from './calico-common.ts';
import { crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const calicoBgpMesh: KindProfile = {
  name: 'calico-bgp-mesh',
  description: 'Calico without encapsulation: pod blocks routed by a BGP full mesh between the nodes of one L2 network.',
  provider: 'kind',
  cni: 'calico',
  behaviours: ['K-BGP-1', 'K-GW-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cal-mesh',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet },
    nodes: threeNodes(),
    install: {
      cni: 'calico',
      backend: 'bird',
      resources: [
        calicoPool({ ipipMode: 'Never', vxlanMode: 'Never' }),
        { kind: 'BGPConfiguration', name: 'default', spec: { nodeToNodeMeshEnabled: true, asNumber: calicoAsNumber, logSeverityScreen: 'Info' } },
      ],
    },
  }],
};
