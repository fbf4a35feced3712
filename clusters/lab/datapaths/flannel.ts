import { parseSubnetEnv, subnetNetwork } from '../../../helpers/parsers/flannel-subnet-env.ts';
import { parseIpRoute } from '../../../helpers/parsers/ip-route.ts';
import { pollUntilDone } from '../../../helpers/probes/poll.ts';
import type { Datapath, LabView } from '../types.ts';
import { cniAdd, inProfileOrder, podAddressOf } from './cni-plugin.ts';
import { remoteVtepCommands, stableMac } from './vxlan-peers.ts';

export const FLANNEL_VXLAN_DEVICE = 'flannel.1';
export const FLANNEL_SUBNET_ENV = '/run/flannel/subnet.env';
export const FLANNEL_VXLAN_VNI = 1;
export const FLANNEL_VXLAN_PORT = 8472;
/** The bridge flannel's CNI config names for the `bridge` plugin. */
export const FLANNEL_BRIDGE = 'cni0';

export interface FlannelOptions {
  backend: 'vxlan' | 'host-gw';
  network: string;
  /** Each node's lease, e.g. 10.244.1.0/24. */
  subnets: Record<string, string>;
  uplink: string;
  underlayMtu: number;
}

const base = (cidr: string) => cidr.split('/')[0]!;
const gatewayOf = (subnet: string) => base(subnet).replace(/\.0$/, '.1');

/**
 * flannel as flanneld leaves a node: /run/flannel/subnet.env, and for vxlan flannel.1 (VNI 1, port 8472,
 * nolearning, address <subnet>.0/32) with a route, permanent neighbour and fdb entry per remote node; for
 * host-gw a route per remote subnet via that node. Pods are wired by the CNI reference `bridge` + `host-local`
 * plugins with the config flannel's CNI plugin delegates, built from subnet.env.
 */
export function flannelDatapath(o: FlannelOptions): Datapath {
  const vxlan = o.backend === 'vxlan';
  const mtu = o.underlayMtu - (vxlan ? 50 : 0);
  const order = inProfileOrder();
  const subnetOf = (node: string) => o.subnets[node] ?? missing(node);
  const vtep = (lab: LabView, node: string) => ({
    subnet: subnetOf(node), vtepIp: base(subnetOf(node)), vtepMac: stableMac(`${lab.profile.name}/${node}/${FLANNEL_VXLAN_DEVICE}`), nodeIp: lab.address(node, o.uplink),
  });
  const remoteRoute = (lab: LabView, node: string) => vxlan
    ? { dst: subnetOf(node), via: base(subnetOf(node)), dev: FLANNEL_VXLAN_DEVICE }
    : { dst: subnetOf(node), via: lab.address(node, o.uplink), dev: o.uplink };
  return {
    name: `flannel-${o.backend}`,
    features: ['flannel-bridge', vxlan ? 'vxlan' : 'host-gw'],
    hops: { bridge: FLANNEL_BRIDGE, ...(vxlan ? { tunnel: { device: FLANNEL_VXLAN_DEVICE, encap: 'vxlan', vni: FLANNEL_VXLAN_VNI, port: FLANNEL_VXLAN_PORT } } : {}) },
    async setupNode(node, lab) {
      const subnet = subnetOf(node.name);
      await node.writeFile(FLANNEL_SUBNET_ENV, [
        `FLANNEL_NETWORK=${o.network}`, `FLANNEL_SUBNET=${gatewayOf(subnet)}/${subnet.split('/')[1]}`, `FLANNEL_MTU=${mtu}`, 'FLANNEL_IPMASQ=true', '',
      ].join('\n'));
      const others = lab.profile.nodes.map((n) => n.name).filter((n) => n !== node.name);
      if (!vxlan) {
        await node.sh(others.map((n) => { const r = remoteRoute(lab, n); return `ip route add ${r.dst} via ${r.via} dev ${r.dev}`; }));
        return;
      }
      const self = vtep(lab, node.name);
      await node.sh([
        `ip link add ${FLANNEL_VXLAN_DEVICE} type vxlan id ${FLANNEL_VXLAN_VNI} local ${self.nodeIp} dev ${o.uplink} dstport ${FLANNEL_VXLAN_PORT} nolearning`,
        `ip link set ${FLANNEL_VXLAN_DEVICE} address ${self.vtepMac} mtu ${mtu} up`,
        `ip addr add ${self.vtepIp}/32 dev ${FLANNEL_VXLAN_DEVICE}`,
        ...remoteVtepCommands(FLANNEL_VXLAN_DEVICE, others.map((n) => vtep(lab, n))),
      ]);
    },
    async plugPod(pod, node, lab) {
      await order(lab.profile.pods, pod, node, async () => {
        const env = parseSubnetEnv(await node.sh([`cat ${FLANNEL_SUBNET_ENV}`]));
        // What flannel's CNI plugin hands to `bridge` (delegate + values from subnet.env), as a runtime calls it;
        // it parses FLANNEL_SUBNET as a CIDR, so host-local gets the network (10.244.1.0/24), not the gateway.
        const result = await cniAdd(node, pod, {
          cniVersion: '0.3.1', name: 'cbr0', type: 'bridge', bridge: FLANNEL_BRIDGE,
          hairpinMode: true, isDefaultGateway: true, isGateway: true, ipMasq: env.FLANNEL_IPMASQ !== 'true', mtu: Number(env.FLANNEL_MTU),
          ipam: { type: 'host-local', ranges: [[{ subnet: subnetNetwork(env.FLANNEL_SUBNET ?? '') }]], routes: [{ dst: env.FLANNEL_NETWORK }] },
        });
        const got = podAddressOf(result, pod.name);
        if (got !== pod.address) {
          throw new Error(`pod ${pod.name} on ${node.name}: host-local gave ${got}, the profile expects ${pod.address}; list each node's pods in the order host-local allocates, from .2 of its subnet`);
        }
      });
    },
    ready: (lab) => pollUntilDone(`datapath flannel-${o.backend} programming remote subnets`, async () => {
      const left = await Promise.all(lab.profile.nodes.map(async ({ name }) => {
        const routes = parseIpRoute((await lab.node(name).exec(['ip', '-4', 'route', 'show'])).stdout);
        return Object.keys(o.subnets).filter((n) => n !== name).map((n) => remoteRoute(lab, n))
          .filter((w) => !routes.some((r) => r.dst === w.dst && r.via === w.via && r.dev === w.dev))
          .map((w) => `${name}: route ${w.dst} via ${w.via} dev ${w.dev}`);
      }));
      return left.flat();
    }, 20_000),
  };
}

function missing(node: string): never {
  throw new Error(`flannel datapath: node "${node}" has no subnet in the profile's subnets`);
}
