import { calicoBgpDatapath } from '../../../lab/datapaths/calico-bgp.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { CALICO_AS, CALICO_POOL, calicoBlocks, calicoPods, segmentUnderlay, UNDERLAY_MTU, workers } from './common.ts';

const nodes = ['node-a', 'node-b', 'node-c'];

/** Calico BGP mode, no encapsulation: BIRD full mesh (Mesh_<ip>) between three nodes on one segment. */
export const calicoBgpMeshLab: LabProfile = {
  name: 'calico-bgp-mesh',
  description: 'Calico BGP full mesh: BIRD 1.6.8 configured like confd (Mesh_<ip> iBGP, AS 64512) on three nodes of one segment',
  provider: 'lab',
  cni: 'calico',
  behaviours: ['K-BGP-1', 'K-GW-1', 'X-POD-1', 'X-MTU-1'],
  nodes: workers(...nodes),
  links: segmentUnderlay(nodes),
  pods: calicoPods({ 'node-a': 2, 'node-b': 1, 'node-c': 1 }),
  datapath: calicoBgpDatapath({ blocks: calicoBlocks(nodes), pool: CALICO_POOL, uplink: 'eth0', mtu: UNDERLAY_MTU, asNumber: CALICO_AS, topology: { kind: 'mesh' } }),
};
