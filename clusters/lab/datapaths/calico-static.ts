import type { Datapath } from '../types.ts';
import { plugCalicoWorkload } from './calico-workloads.ts';

/**
 * Calico's workload datapath with the routes between nodes written statically
 * (no BIRD yet): each node routes every other node's block via that node's address.
 */
export function calicoStaticDatapath(options: { blocks: Record<string, string>; uplink: string; mtu: number }): Datapath {
  return {
    name: 'calico-static',
    features: ['calico-gateway', 'static-routes'],
    // Pods behind cali veths, blocks routed bare over the uplink.
    hops: {},
    async setupNode(node, lab) {
      // A route out of the uplink: proxy ARP answers only for addresses the node can route elsewhere.
      const lines = [`ip route replace default dev ${options.uplink}`];
      for (const [other, block] of Object.entries(options.blocks)) {
        if (other !== node.name) lines.push(`ip route add ${block} via ${lab.address(other, options.uplink)} dev ${options.uplink}`);
      }
      await node.sh(lines);
    },
    plugPod: (pod, node) => plugCalicoWorkload(pod, node, options.mtu),
  };
}
