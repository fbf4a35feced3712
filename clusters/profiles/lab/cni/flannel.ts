import { flannelDatapath } from '../../../lab/datapaths/flannel.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { p2pUnderlay, UNDERLAY_MTU, workers } from './common.ts';

const subnets = { 'node-a': '10.244.0.0/24', 'node-b': '10.244.1.0/24' };
/** host-local allocates from .2 upwards (.1 is cni0), in the order pods are listed per node. */
const pods = [
  { name: 'pod-a1', node: 'node-a', address: '10.244.0.2' },
  { name: 'pod-a2', node: 'node-a', address: '10.244.0.3' },
  { name: 'pod-b1', node: 'node-b', address: '10.244.1.2' },
  { name: 'pod-b2', node: 'node-b', address: '10.244.1.3' },
];

function flannelLab(backend: 'vxlan' | 'host-gw', behaviour: string): LabProfile {
  return {
    name: `flannel-${backend}`,
    description: backend === 'vxlan'
      ? 'flannel VXLAN: flannel.1 VNI 1 port 8472 nolearning, /24 per node, static neighbour/fdb, pods by the CNI bridge + host-local plugins'
      : 'flannel host-gw: /24 per node routed via the node address, pods by the CNI bridge + host-local plugins',
    provider: 'lab',
    cni: 'flannel',
    behaviours: [behaviour, 'X-POD-1', 'X-MTU-1'],
    nodes: workers('node-a', 'node-b'),
    links: p2pUnderlay('node-a', 'node-b'),
    pods,
    datapath: flannelDatapath({ backend, network: '10.244.0.0/16', subnets, uplink: 'eth0', underlayMtu: UNDERLAY_MTU }),
  };
}

export const flannelVxlanLab = flannelLab('vxlan', 'L-VX-1');
export const flannelHostGwLab = flannelLab('host-gw', 'L-HG-1');
