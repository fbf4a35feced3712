import type { ClusterHandle, NodeHandle, PodHandle } from '../clusters/types.ts';
import { parseBridgeFdb } from '../helpers/parsers/bridge-fdb.ts';
import { parseIpLink, type Link } from '../helpers/parsers/ip-link.ts';
import { hostInterfaceOf } from '../helpers/probes/workload.ts';
import { FRR_LOOPBACKS, RT } from '../clusters/profiles/lab/fundamentals/plan.ts';

/** Where faults land on a cluster: one node that forwards pod (or host) traffic, and what is around it. */

/** Pods grouped by node, in the cluster's order. */
export function podsByNode(cluster: ClusterHandle): Map<string, PodHandle[]> {
  const byNode = new Map<string, PodHandle[]>();
  for (const pod of cluster.pods) byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), pod]);
  return byNode;
}

/** The pod receiving cross-node traffic in a fault: the first pod on the last node that has pods. */
export function remotePod(cluster: ClusterHandle): PodHandle {
  const groups = [...podsByNode(cluster).values()];
  const pod = groups[groups.length - 1]?.[0];
  if (!pod || groups.length < 2) throw new Error(`cluster "${cluster.name}": needs pods on two nodes`);
  return pod;
}

/** A node with two pods (the first found), for faults that confuse one pod's veth with another's. */
export function nodeWithTwoPods(cluster: ClusterHandle): { node: NodeHandle; pods: [PodHandle, PodHandle] } {
  for (const [node, pods] of podsByNode(cluster)) if (pods.length >= 2) return { node: cluster.node(node), pods: [pods[0]!, pods[1]!] };
  throw new Error(`cluster "${cluster.name}": no node has two pods`);
}

/** The node that forwards traffic in the profile: the remote pod's node, or a named router. */
export function forwardingNode(cluster: ClusterHandle, router?: string): NodeHandle {
  if (router && cluster.nodes.some((n) => n.name === router)) return cluster.node(router);
  return cluster.node(remotePod(cluster).node);
}

/** The host-side interface the node routes a pod to (cali* on Calico), throwing when it is not a veth of its own. */
export async function hostVethOf(cluster: ClusterHandle, pod: PodHandle): Promise<string> {
  const { iface } = await hostInterfaceOf(cluster, pod);
  if (!iface) throw new Error(`${pod.node}: no route to pod ${pod.name}`);
  return iface;
}

export async function links(node: NodeHandle): Promise<Link[]> {
  return parseIpLink((await node.exec(['ip', '-d', 'link', 'show'])).stdout);
}

/** The node's first VXLAN device (vxlan.calico, flannel.1, vxlan5 ...). */
export async function vxlanDevice(node: NodeHandle): Promise<Link & { vxlan: NonNullable<Link['vxlan']> }> {
  const found = (await links(node)).find((l) => l.vxlan);
  if (!found?.vxlan) throw new Error(`${node.name}: no VXLAN device`);
  return found as Link & { vxlan: NonNullable<Link['vxlan']> };
}

/** Permanent unicast fdb entries of a VXLAN device (one per remote VTEP, as Felix and flanneld write them). */
export async function vtepEntries(node: NodeHandle, dev: string): Promise<Array<{ mac: string; dst: string }>> {
  const entries = parseBridgeFdb((await node.exec(['bridge', '-j', 'fdb', 'show', 'dev', dev])).stdout);
  return entries.filter((e): e is typeof e & { dst: string } => !e.allZero && e.dst !== undefined && e.state === 'permanent').map((e) => ({ mac: e.mac, dst: e.dst }));
}

/** Live (not zombie) pids of a process name: the node's PID 1 never reaps, so a killed daemon lingers as Z. */
export async function livePids(node: NodeHandle, name: string): Promise<string[]> {
  const r = await node.exec(['sh', '-c', `for p in $(pgrep -x ${name}); do s=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' /proc/$p/status 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ] && echo $p; done; true`]);
  return r.stdout.split('\n').filter((l) => /^\d+$/.test(l.trim()));
}

/** The process a daemon runs as, with its full command line, so that it can be started again as it was. */
export async function daemonProcess(node: NodeHandle, name: string): Promise<{ pid: string; argv: string[] }> {
  const pid = (await livePids(node, name))[0];
  if (!pid) throw new Error(`${node.name}: no ${name} process`);
  const cmdline = (await node.exec(['cat', `/proc/${pid}/cmdline`])).stdout;
  return { pid, argv: cmdline.split('\0').filter(Boolean) };
}

/** Profiles whose workloads are pods on two or more nodes. */
export const POD_PROFILES = ['calico-lab', 'calico-bgp-mesh', 'calico-bgp-rr', 'calico-vxlan', 'calico-ipip', 'flannel-vxlan', 'flannel-host-gw', 'fund-vxlan'] as const;
/** Calico profiles: pods behind cali veths with the ee:ee:ee:ee:ee:ee gateway. */
export const CALICO_PROFILES = ['calico-lab', 'calico-bgp-mesh', 'calico-bgp-rr', 'calico-vxlan', 'calico-ipip'] as const;
/** Router profiles: the router that forwards the traffic the checks send, and an address behind it. */
export const ROUTER_TARGETS: Record<string, { node: string; address: string }> = {
  'fund-routers': { node: 'r1', address: RT.h2 },
  'fund-frr': { node: 'ar2', address: FRR_LOOPBACKS.ar3 },
};
export const FORWARDING_PROFILES = [...POD_PROFILES, ...Object.keys(ROUTER_TARGETS)];

/** The forwarding node and the address behind it whose traffic a fault breaks. */
export function trafficTarget(cluster: ClusterHandle): { node: NodeHandle; address: string } {
  const router = ROUTER_TARGETS[cluster.profile.name];
  if (router) return { node: cluster.node(router.node), address: router.address };
  const pod = remotePod(cluster);
  return { node: cluster.node(pod.node), address: pod.addresses[0]! };
}
