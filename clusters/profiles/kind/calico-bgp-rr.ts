import type { KindProfile } from '../../kind/types.ts';
import { calicoAsNumber, calicoPool } from './calico-common.ts';
import { crossBehaviours, kindPodSubnet } from './common.ts';

/** Label that marks route reflectors; the BGPPeer selectors below key on it. */
const rrLabel = 'route-reflector';

export const calicoBgpRr: KindProfile = {
  name: 'calico-bgp-rr',
  description: 'Calico with the node mesh off and one route-reflector node; every other node peers only with the reflector.',
  provider: 'kind',
  cni: 'calico',
  behaviours: ['K-RR-1', 'K-GW-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cal-rr',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet },
    nodes: [
      { role: 'control-plane' },
      {
        role: 'worker',
        labels: { [rrLabel]: 'true' },
        annotations: { 'projectcalico.org/RouteReflectorClusterID': '244.0.0.1' },
      },
      { role: 'worker' },
      { role: 'worker' },
    ],
    install: {
      cni: 'calico',
      backend: 'bird',
      resources: [
        calicoPool({ ipipMode: 'Never', vxlanMode: 'Never' }),
        { kind: 'BGPConfiguration', name: 'default', spec: { nodeToNodeMeshEnabled: false, asNumber: calicoAsNumber } },
        { kind: 'BGPPeer', name: 'peer-to-rrs', spec: { nodeSelector: `!has(${rrLabel})`, peerSelector: `has(${rrLabel})` } },
        { kind: 'BGPPeer', name: 'rr-mesh', spec: { nodeSelector: `has(${rrLabel})`, peerSelector: `has(${rrLabel})` } },
      ],
    },
  }],
};
