import type { Datapath, LabNode } from '../types.ts';
import { plugCalicoWorkload } from './calico-workloads.ts';
import { vtepIpOf } from './calico-vxlan.ts';

/** The outer IPv4 header IPIP adds (RFC 2003); Calico's MTU guide subtracts 20 for IP-in-IP (docs.tigera.io/calico/latest/networking/configuring/mtu). */
export const IPIP_OVERHEAD = 20;

/**
 * Calico IPIP mode as BIRD (Calico's fork, krt_tunnel = "tunl0") and Felix leave it: tunl0 up with an
 * address from the node's block, `<block> via <node> dev tunl0 proto bird onlink` per remote block, and a
 * `blackhole <own block> proto bird`. Routes are written statically: only Calico's BIRD fork has krt_tunnel (Debian's BIRD 1.6.8 has not).
 *
 * A kernel without IPIP cannot make tunl0; the node then routes blocks straight over the underlay
 * (`proto bird`, as CrossSubnet does within one subnet), pods get the full underlay MTU, and the
 * datapath does not show the `ipip` feature.
 */
/**
 * tunl0 is the ipip module's fallback device, made in every netns when the module loads (net/ipv4/ipip.c,
 * ipip_init_net); Felix adds it when it is missing. On a kernel whose module is not loaded yet, `ip link add name
 * tunl0 type ipip` loads it, the module makes tunl0 first, and the add fails with "File exists": so IPIP is there
 * when tunl0 exists afterwards with the ipip kind, whatever the add said.
 */
export async function ensureTunl0(node: LabNode): Promise<boolean> {
  await node.exec(['sh', '-c', 'ip link show tunl0 >/dev/null 2>&1 || ip link add name tunl0 type ipip']);
  const shown = await node.exec(['ip', '-d', 'link', 'show', 'dev', 'tunl0']);
  return shown.exitCode === 0 && /\n\s+ipip /.test(shown.stdout);
}

export function calicoIpipDatapath(o: { blocks: Record<string, string>; uplink: string; underlayMtu: number }): Datapath {
  const ipipOn = new WeakMap<LabNode, boolean>();
  let shown: boolean | undefined;
  return {
    name: 'calico-ipip',
    get features() {
      return ['calico-gateway', ...(shown === true ? ['ipip'] : shown === false ? ['ipip-unavailable'] : [])];
    },
    // tunl0 only where the kernel has IPIP; otherwise blocks are routed bare over the uplink.
    get hops() {
      return shown === true ? { tunnel: { device: 'tunl0', encap: 'ipip' as const } } : {};
    },
    async setupNode(node, lab) {
      const ipip = await ensureTunl0(node);
      ipipOn.set(node, ipip);
      shown = shown === false ? false : ipip;
      const block = o.blocks[node.name];
      if (!block) throw new Error(`calico-ipip datapath: node "${node.name}" has no block in the profile's blocks`);
      const remote = Object.entries(o.blocks).filter(([n]) => n !== node.name);
      await node.sh([
        `ip route replace default dev ${o.uplink}`,
        ...(ipip ? [`ip link set tunl0 mtu ${o.underlayMtu - IPIP_OVERHEAD} up`, `ip addr add ${vtepIpOf(block)}/32 dev tunl0`] : []),
        `ip route add blackhole ${block} proto bird`,
        ...remote.map(([n, b]) => ipip
          ? `ip route add ${b} via ${lab.address(n, o.uplink)} dev tunl0 proto bird onlink`
          : `ip route add ${b} via ${lab.address(n, o.uplink)} dev ${o.uplink} proto bird`),
      ]);
    },
    plugPod: (pod, node) => plugCalicoWorkload(pod, node, o.underlayMtu - (ipipOn.get(node) ? IPIP_OVERHEAD : 0)),
  };
}
