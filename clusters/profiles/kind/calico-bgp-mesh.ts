import type { KindProfile } from '../../kind/types.ts';
import { calicoAsNumber, calicoPool } from './calico-common.ts';
import { crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const calicoBgpMesh: KindProfile = {
  name: 'calico-bgp-mesh',
  description: 'Calico without encapsulation: pod blocks routed by a BGP full mesh between the nodes of one L2 network.',
  provider: 'kind',
  cni: 'calico',
  behaviours: ['K-BGP-1', 'K-GW-1', 'K-POOL-1', 'K-IPAM-1', ...crossBehaviours],
  // K-POOL-1 and K-IPAM-1 read what the plan deploys after the probes: migrated pools, their pods, a fixed-address pod.
  // IPAM does not depend on the encapsulation: here they also run where calico-ipip cannot (no ipip module).
  workloads: [{ cluster: 0, sets: ['probes', 'lone-backend', 'pool-migration', 'fixed-ip'] }],
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
