import { calicoBgpDatapath } from '../../../lab/datapaths/calico-bgp.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { CALICO_AS, CALICO_POOL, calicoBlocks, calicoPods, RR_LABEL, segmentUnderlay, UNDERLAY_MTU, workers } from './common.ts';

const nodes = ['node-rr', 'node-b', 'node-c'];

/** Calico with the mesh off: node-rr (labelled route-reflector=true) reflects with cluster id 244.0.0.1; the others peer only with it. */
export const calicoBgpRrLab: LabProfile = {
  name: 'calico-bgp-rr',
  description: 'Calico route reflection: BIRD 1.6.8 configured like confd, node-rr (route-reflector=true) reflects to clients node-b and node-c (Node_<ip> sessions)',
  provider: 'lab',
  cni: 'calico',
  behaviours: ['K-RR-1', 'K-GW-1', 'X-POD-1', 'X-MTU-1'],
  nodes: workers(...nodes).map((n) => (n.name === 'node-rr' ? { ...n, labels: { [RR_LABEL]: 'true' } } : n)),
  links: segmentUnderlay(nodes),
  pods: calicoPods({ 'node-rr': 1, 'node-b': 2, 'node-c': 1 }),
  datapath: calicoBgpDatapath({
    blocks: calicoBlocks(nodes), pool: CALICO_POOL, uplink: 'eth0', mtu: UNDERLAY_MTU, asNumber: CALICO_AS,
    topology: { kind: 'route-reflector', label: RR_LABEL, clusterId: '244.0.0.1' },
  }),
};
