import { calicoIpipDatapath } from '../../../lab/datapaths/calico-ipip.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { calicoBlocks, calicoPods, p2pUnderlay, UNDERLAY_MTU, workers } from './common.ts';

const nodes = ['node-a', 'node-b'];

/** Calico IPIP mode (tunl0, /26 routes proto bird onlink) on two nodes; plain routes where the kernel lacks IPIP. */
export const calicoIpipLab: LabProfile = {
  name: 'calico-ipip',
  description: 'Calico IPIP: tunl0 MTU 1480, <block>/26 via <node> dev tunl0 proto bird onlink, blackhole own block; without kernel IPIP the blocks route over eth0',
  provider: 'lab',
  cni: 'calico',
  behaviours: ['K-IPIP-1', 'K-GW-1', 'X-POD-1', 'X-MTU-1'],
  nodes: workers(...nodes),
  links: p2pUnderlay('node-a', 'node-b'),
  pods: calicoPods({ 'node-a': 2, 'node-b': 2 }),
  datapath: calicoIpipDatapath({ blocks: calicoBlocks(nodes), uplink: 'eth0', underlayMtu: UNDERLAY_MTU }),
};
