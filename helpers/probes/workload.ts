import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { lookupRoute } from '../parsers/ip-route.ts';
import { probeRoutes, type Probed } from './net.ts';
import type { Route } from '../parsers/ip-route.ts';

/** The host-side interface a node routes a pod's address to (cali*, lxc*, veth*), found from the node's routes. */
export async function hostInterfaceOf(cluster: ClusterHandle, pod: PodHandle): Promise<{ iface?: string; routes: Probed<Route[]> }> {
  const routes = await probeRoutes(cluster.node(pod.node));
  const address = pod.addresses[0];
  const route = address ? lookupRoute(routes.value, address) : undefined;
  return { ...(route?.dev && route.dst !== 'default' ? { iface: route.dev } : {}), routes };
}

/** The first pod that has another pod on its own node and one on another node, for pairwise checks. */
export function podPairs(cluster: ClusterHandle): Array<{ from: PodHandle; to: PodHandle; sameNode: boolean }> {
  const pairs: Array<{ from: PodHandle; to: PodHandle; sameNode: boolean }> = [];
  for (const from of cluster.pods) {
    const same = cluster.pods.find((p) => p !== from && p.node === from.node);
    const other = cluster.pods.find((p) => p.node !== from.node);
    if (same) pairs.push({ from, to: same, sameNode: true });
    if (other) pairs.push({ from, to: other, sameNode: false });
  }
  return pairs;
}
