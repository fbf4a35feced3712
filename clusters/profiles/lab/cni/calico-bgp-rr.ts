import { calicoBgpDatapath } from '../../../lab/datapaths/calico-bgp.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { CALICO_AS, CALICO_POOL, calicoBlocks, calicoPods, segmentUnderlay, UNDERLAY_MTU, workers } from './common.ts';

const nodes = ['node-rr', 'node-b', 'node-c'];

/** Calico with the mesh off: node-rr reflects (rr client, cluster id 244.0.0.1); the others peer only with it. */
export const calicoBgpRrLab: LabProfile = {
  name: 'calico-bgp-rr',
  description: 'Calico route reflection: BIRD 2 like confd, node-rr reflects to clients node-b and node-c (Node_<ip> sessions)',
  provider: 'lab',
  cni: 'calico',
  behaviours: ['K-RR-1', 'K-GW-1', 'X-POD-1', 'X-MTU-1'],
  nodes: workers(...nodes),
  links: segmentUnderlay(nodes),
  pods: calicoPods({ 'node-rr': 1, 'node-b': 2, 'node-c': 1 }),
  datapath: calicoBgpDatapath({
    blocks: calicoBlocks(nodes), pool: CALICO_POOL, uplink: 'eth0', mtu: UNDERLAY_MTU, asNumber: CALICO_AS,
    topology: { kind: 'route-reflector', reflector: 'node-rr', clusterId: '244.0.0.1' },
  }),
};
