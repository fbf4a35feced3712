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

export interface PodPair {
  from: PodHandle;
  to: PodHandle;
  sameNode: boolean;
}

/** Every ordered pair of distinct pods, same node and across nodes: every pod is a source and a target. */
export function podPairs(cluster: ClusterHandle): PodPair[] {
  return cluster.pods.flatMap((from) => cluster.pods.filter((to) => to !== from).map((to) => ({ from, to, sameNode: from.node === to.node })));
}

/** The ordered pairs across nodes. */
export const crossNodePairs = (cluster: ClusterHandle): PodPair[] => podPairs(cluster).filter((p) => !p.sameNode);

/** The first pair across nodes, for negative controls; throws naming what the cluster lacks. */
export function firstCrossNodePair(cluster: ClusterHandle, who: string): PodPair {
  const pair = crossNodePairs(cluster)[0];
  if (!pair) throw new Error(`failed to break ${who}: no pods on two nodes (pods: ${cluster.pods.map((p) => `${p.name}@${p.node}`).join(', ') || 'none'})`);
  return pair;
}
