import type { ClusterHandle } from '../types.ts';
import type { LabProfile } from './types.ts';

/**
 * The devices a lab datapath puts between a pod and the wire, as data: the hop tracer (helpers/hop-trace) derives every
 * hop of a pair from it. A pod's eth0, its host veth (the peer of eth0), the node's routing decision and filter chains,
 * and the underlay (the interface holding the node's address) are on every datapath and not listed.
 */
export interface HopPlan {
  /** The bridge the host veths are ports of (flannel's cni0): same-node pods are bridged, others routed from it. */
  bridge?: string;
  /** The tunnel cross-node pod traffic leaves and arrives on; none: routed bare over the underlay. */
  tunnel?: { device: string } & ({ encap: 'vxlan'; vni: number; port: number } | { encap: 'ipip' });
}

/** The hop plan of a lab cluster's datapath; undefined elsewhere (kind, attach) or where the datapath declares none. */
export function hopPlanOf(cluster: ClusterHandle): HopPlan | undefined {
  if (cluster.capabilities.provider !== 'lab') return undefined;
  return (cluster.profile as Partial<LabProfile>).datapath?.hops;
}
