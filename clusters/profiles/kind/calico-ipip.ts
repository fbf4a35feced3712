import type { KindProfile } from '../../kind/types.ts';
import { calicoPool } from './calico-common.ts';
import { crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const calicoIpip: KindProfile = {
  name: 'calico-ipip',
  description: 'Calico with an IPIP pool (ipipMode Always; CrossSubnet would not encapsulate on one kind subnet) and the BGP node mesh.',
  provider: 'kind',
  cni: 'calico',
  behaviours: ['K-GW-1', 'K-IPIP-1', 'K-BGP-1', 'K-POOL-1', 'K-IPAM-1', ...crossBehaviours],
  // K-POOL-1 and K-IPAM-1 read what the plan deploys after the probes: migrated pools, their pods, a fixed-address pod.
  workloads: [{ cluster: 0, sets: ['probes', 'pool-migration', 'fixed-ip'] }],
  clusters: [{
    suffix: 'cal-ipip',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet },
    nodes: threeNodes(),
    install: {
      cni: 'calico',
      backend: 'bird',
      resources: [calicoPool({ ipipMode: 'Always', vxlanMode: 'Never' })],
    },
  }],
};
