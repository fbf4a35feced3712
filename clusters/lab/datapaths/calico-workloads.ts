import { createHash } from 'node:crypto';
import type { LabNode, LabPodSpec } from '../types.ts';

/** Calico's gateway MAC on every host-side workload veth. */
export const CALICO_GATEWAY_MAC = 'ee:ee:ee:ee:ee:ee';
export const CALICO_GATEWAY_IP = '169.254.1.1';

/** Host-side veth name as Calico derives it: "cali" + the first 11 hex digits of sha1("<namespace>.<pod>"). */
export function caliInterfaceName(pod: string, namespace = 'default'): string {
  return `cali${createHash('sha1').update(`${namespace}.${pod}`).digest('hex').slice(0, 11)}`;
}

/**
 * Plugs a pod the way Calico's CNI plugin and Felix do: a /32 on eth0, routes via 169.254.1.1,
 * host veth with MAC ee:ee:ee:ee:ee:ee and proxy_arp=1, and a /32 route to the pod on the host.
 */
export async function plugCalicoWorkload(pod: LabPodSpec, node: LabNode, mtu: number): Promise<void> {
  const host = caliInterfaceName(pod.name);
  const ns = pod.name;
  await node.sh([
    `ip link add ${host} mtu ${mtu} type veth peer name eth0 mtu ${mtu} netns ${ns}`,
    `ip link set ${host} address ${CALICO_GATEWAY_MAC}`,
    `sysctl -qw net.ipv4.conf.${host}.proxy_arp=1 net.ipv4.neigh.${host}.proxy_delay=0 net.ipv4.conf.${host}.forwarding=1`,
    `ip link set ${host} up`,
    `ip -n ${ns} addr add ${pod.address}/32 dev eth0`,
    `ip -n ${ns} link set eth0 up`,
    `ip -n ${ns} route add ${CALICO_GATEWAY_IP} dev eth0 scope link`,
    `ip -n ${ns} route add default via ${CALICO_GATEWAY_IP} dev eth0`,
    `ip route add ${pod.address}/32 dev ${host} scope link`,
  ]);
}
