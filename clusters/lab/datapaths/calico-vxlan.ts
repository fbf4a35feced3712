import { parseIpRoute } from '../../../helpers/parsers/ip-route.ts';
import { pollUntilDone } from '../../../helpers/probes/poll.ts';
import type { Datapath, LabView } from '../types.ts';
import { plugCalicoWorkload } from './calico-workloads.ts';
import { remoteVtepCommands, stableMac } from './vxlan-peers.ts';

export const CALICO_VXLAN_DEVICE = 'vxlan.calico';
export const CALICO_VXLAN_VNI = 4096;
export const CALICO_VXLAN_PORT = 4789;
/** Felix's route protocol number (RTPROT 80): its blackholes and tunnel routes carry it. */
const FELIX_PROTO = '80';

/** The VTEP address Felix takes from the node's block; the lab takes the block's first address. */
export const vtepIpOf = (block: string) => block.split('/')[0]!;

/**
 * Calico VXLAN mode as Felix programs it, no BIRD: vxlan.calico (VNI 4096, port 4789, MTU underlay - 50),
 * its VTEP address from the node's block, and per remote node a permanent neighbour, a permanent fdb entry
 * and `<block> via <vtep> dev vxlan.calico onlink`; the node's own block is a blackhole.
 */
export function calicoVxlanDatapath(o: { blocks: Record<string, string>; uplink: string; underlayMtu: number }): Datapath {
  const mtu = o.underlayMtu - 50;
  const vtep = (lab: LabView, node: string) => {
    const block = o.blocks[node] ?? missing(node);
    return { subnet: block, vtepIp: vtepIpOf(block), vtepMac: stableMac(`${lab.profile.name}/${node}/${CALICO_VXLAN_DEVICE}`), nodeIp: lab.address(node, o.uplink) };
  };
  return {
    name: 'calico-vxlan',
    features: ['calico-gateway', 'vxlan'],
    hops: { tunnel: { device: CALICO_VXLAN_DEVICE, encap: 'vxlan', vni: CALICO_VXLAN_VNI, port: CALICO_VXLAN_PORT } },
    async setupNode(node, lab) {
      const self = vtep(lab, node.name);
      const peers = lab.profile.nodes.filter((n) => n.name !== node.name).map((n) => vtep(lab, n.name));
      await node.sh([
        `ip route replace default dev ${o.uplink}`,
        `ip link add ${CALICO_VXLAN_DEVICE} type vxlan id ${CALICO_VXLAN_VNI} local ${self.nodeIp} dev ${o.uplink} dstport ${CALICO_VXLAN_PORT} nolearning`,
        `ip link set ${CALICO_VXLAN_DEVICE} address ${self.vtepMac} mtu ${mtu} up`,
        `ip addr add ${self.vtepIp}/32 dev ${CALICO_VXLAN_DEVICE}`,
        `ip route add blackhole ${self.subnet} proto ${FELIX_PROTO}`,
        ...remoteVtepCommands(CALICO_VXLAN_DEVICE, peers, FELIX_PROTO),
      ]);
    },
    plugPod: (pod, node) => plugCalicoWorkload(pod, node, mtu),
    ready: (lab) => pollUntilDone('datapath calico-vxlan programming remote blocks', async () => {
      const left = await Promise.all(lab.profile.nodes.map(async ({ name }) => {
        const routes = parseIpRoute((await lab.node(name).exec(['ip', '-4', 'route', 'show', 'dev', CALICO_VXLAN_DEVICE])).stdout);
        return Object.keys(o.blocks).filter((n) => n !== name).map((n) => vtep(lab, n))
          .filter((p) => !routes.some((r) => r.dst === p.subnet && r.via === p.vtepIp))
          .map((p) => `${name}: route ${p.subnet} via ${p.vtepIp} dev ${CALICO_VXLAN_DEVICE} onlink`);
      }));
      return left.flat();
    }, 20_000),
  };
}

function missing(node: string): never {
  throw new Error(`calico-vxlan datapath: node "${node}" has no block in the profile's blocks`);
}
