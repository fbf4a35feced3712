import { calicoVxlanDatapath } from '../../../lab/datapaths/calico-vxlan.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { calicoBlocks, calicoPods, p2pUnderlay, UNDERLAY_MTU, workers } from './common.ts';

const nodes = ['node-a', 'node-b'];

/** Calico VXLAN mode (Felix-programmed vxlan.calico, no BIRD) on two nodes. */
export const calicoVxlanLab: LabProfile = {
  name: 'calico-vxlan',
  description: 'Calico VXLAN: vxlan.calico VNI 4096 port 4789, static neighbour/fdb per remote VTEP as Felix writes them, pods MTU 1450, no BIRD',
  provider: 'lab',
  cni: 'calico',
  behaviours: ['K-VX-1', 'K-GW-1', 'X-POD-1', 'X-MTU-1'],
  nodes: workers(...nodes),
  links: p2pUnderlay('node-a', 'node-b'),
  pods: calicoPods({ 'node-a': 2, 'node-b': 2 }),
  datapath: calicoVxlanDatapath({ blocks: calicoBlocks(nodes), uplink: 'eth0', underlayMtu: UNDERLAY_MTU }),
};
