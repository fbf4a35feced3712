import { calicoStaticDatapath } from '../../lab/datapaths/calico-static.ts';
import type { LabProfile } from '../../lab/types.ts';

/** Calico's reference workload datapath on two nodes, routes between the /26 blocks written statically. */
export const calicoLab: LabProfile = {
  name: 'calico-lab',
  description: 'Calico workload datapath (cali veths, ee:ee:ee:ee:ee:ee, proxy ARP, /32 pods), static routes between two nodes',
  provider: 'lab',
  cni: 'calico',
  behaviours: ['K-GW-1', 'X-POD-1', 'X-MTU-1'],
  nodes: [
    { name: 'node-a', role: 'worker' },
    { name: 'node-b', role: 'worker' },
  ],
  links: [{ kind: 'p2p', a: { node: 'node-a', iface: 'eth0', address: '172.30.0.11/24' }, b: { node: 'node-b', iface: 'eth0', address: '172.30.0.12/24' } }],
  pods: [
    { name: 'pod-a1', node: 'node-a', address: '10.244.0.10' },
    { name: 'pod-a2', node: 'node-a', address: '10.244.0.11' },
    { name: 'pod-b1', node: 'node-b', address: '10.244.0.74' },
    { name: 'pod-b2', node: 'node-b', address: '10.244.0.75' },
  ],
  datapath: calicoStaticDatapath({ blocks: { 'node-a': '10.244.0.0/26', 'node-b': '10.244.0.64/26' }, uplink: 'eth0', mtu: 1500 }),
};
