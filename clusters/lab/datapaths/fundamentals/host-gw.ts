import type { Datapath } from '../../types.ts';

/**
 * Flannel host-gw style pods: each host with a subnet gets a bridge holding the subnet's first
 * address, each pod a veth on it with the bridge as default gateway. Routes between hosts and
 * the VXLAN devices are the nodes' own declared setup lines.
 */
export function hostGwDatapath(options: { features: string[]; bridge: string; subnets: Record<string, string> }): Datapath {
  const gateway = (node: string) => {
    const subnet = options.subnets[node];
    if (!subnet) throw new Error(`failed to plug a pod on ${node}: no host-gw subnet declared for it; declared: ${Object.keys(options.subnets).join(', ')}`);
    const [net, len] = subnet.split('/');
    return { address: net!.replace(/\.0$/, '.1'), len: len! };
  };
  return {
    name: 'host-gw',
    features: options.features,
    async setupNode(node) {
      if (!options.subnets[node.name]) return;
      const gw = gateway(node.name);
      await node.sh([`ip link add ${options.bridge} type bridge`, `ip addr add ${gw.address}/${gw.len} dev ${options.bridge}`, `ip link set ${options.bridge} up`]);
    },
    async plugPod(pod, node) {
      const gw = gateway(node.name);
      const host = `veth-${pod.name}`.slice(0, 15);
      await node.sh([
        `ip link add ${host} type veth peer name eth0 netns ${pod.name}`,
        `ip link set ${host} master ${options.bridge} up`,
        `ip -n ${pod.name} addr add ${pod.address}/${gw.len} dev eth0`,
        `ip -n ${pod.name} link set eth0 up`,
        `ip -n ${pod.name} route add default via ${gw.address}`,
      ]);
    },
  };
}
