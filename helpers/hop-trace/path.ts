import type { HopPlan } from '../../clusters/lab/hop-plan.ts';
import type { Hop, HopPlace } from './types.ts';

/** One end of a traced pair, as the lab shows it: the pod, its node, its host veth and the node's underlay. */
export interface PathEnd {
  pod: string;
  node: string;
  address: string;
  /** The host end of the pod's veth (the peer of its eth0). */
  hostVeth: string;
  /** The node's interface holding its address, and that address. */
  underlay: string;
  nodeAddress: string;
}

const podEth0 = (e: PathEnd): HopPlace => ({ node: e.node, kind: 'pod-eth0', device: 'eth0', pod: e.pod });
const hostVeth = (e: PathEnd): HopPlace => ({ node: e.node, kind: 'host-veth', device: e.hostVeth, pod: e.pod });

/**
 * Every hop a packet from `from` to `to` crosses on a datapath of this plan, in order. Same node: the source's veth, then
 * the node routes (Calico) or bridges (flannel's cni0) it to the target's veth. Across nodes: the source node routes it
 * out of the tunnel (encapsulated onto the underlay) or straight onto the underlay; the target node takes it in (its
 * INPUT chain sees the encapsulated packet first), routes it to the bridge or the target's veth. After each routing
 * decision the FORWARD chain may drop it. Capture hops a packet leaves by name the device that must answer for the next
 * hop (the host veth answers the pod's ARP for its gateway; the remote underlay answers the VXLAN peer's).
 */
export function legHops(plan: HopPlan, from: PathEnd, to: PathEnd, leg: Hop['leg']): Hop[] {
  const hops: Hop[] = [];
  const capture = (place: HopPlace, peer?: HopPlace, netns?: string) =>
    hops.push({ ...place, leg, capture: { ...(netns ? { netns } : {}), device: place.device! }, ...(peer ? { peer } : {}) });
  const route = (node: string, end: PathEnd, iif: string, expectDev: string, expectVia?: PathEnd) =>
    hops.push({ node, kind: 'route', leg, route: { from: from.address, to: to.address, iif, expectDev, ...(expectVia ? { expectVia: { address: expectVia.nodeAddress, node: expectVia.node } } : {}) } });
  const filter = (node: string, chain: 'FORWARD' | 'INPUT') => hops.push({ node, kind: 'filter', chain, leg });

  capture(podEth0(from), hostVeth(from), from.pod);
  capture(hostVeth(from));
  if (from.node === to.node) {
    if (!plan.bridge) route(from.node, from, from.hostVeth, to.hostVeth);
    filter(from.node, 'FORWARD');
  } else {
    const tunnel = plan.tunnel?.device;
    if (plan.bridge) capture({ node: from.node, kind: 'bridge', device: plan.bridge });
    // VXLAN routes go via the remote VTEP's address (its fdb entry is checked below); every other route via the target's node.
    route(from.node, from, plan.bridge ?? from.hostVeth, tunnel ?? from.underlay, plan.tunnel?.encap === 'vxlan' ? undefined : to);
    filter(from.node, 'FORWARD');
    if (tunnel) {
      capture({ node: from.node, kind: 'tunnel', device: tunnel });
      if (plan.tunnel?.encap === 'vxlan') hops.push({ node: from.node, kind: 'tunnel', device: tunnel, leg, encap: { expectDst: to.nodeAddress } });
    }
    const remoteUnderlay: HopPlace = { node: to.node, kind: 'underlay', device: to.underlay };
    capture({ node: from.node, kind: 'underlay', device: from.underlay }, remoteUnderlay);
    capture(remoteUnderlay);
    if (tunnel) {
      filter(to.node, 'INPUT');
      capture({ node: to.node, kind: 'tunnel', device: tunnel });
    }
    route(to.node, to, tunnel ?? to.underlay, plan.bridge ?? to.hostVeth);
    filter(to.node, 'FORWARD');
    if (plan.bridge) capture({ node: to.node, kind: 'bridge', device: plan.bridge });
  }
  capture(hostVeth(to), podEth0(to));
  capture(podEth0(to), undefined, to.pod);
  return hops;
}

/** The request leg from `a` to `b`, then the reply leg back. */
export const pairHops = (plan: HopPlan, a: PathEnd, b: PathEnd): Hop[] => [...legHops(plan, a, b, 'request'), ...legHops(plan, b, a, 'reply')];

/** How a hop reads in a message: "cali86a12876b92 on node-b", "eth0 of pod-b1", "node-b's routing decision". */
export function hopLabel(h: HopPlace): string {
  switch (h.kind) {
    case 'pod-eth0': return `eth0 of ${h.pod}`;
    case 'route': return `the routing decision on ${h.node}`;
    case 'filter': return `${h.node}'s ${h.chain ?? 'filter'} chain`;
    default: return `${h.device} on ${h.node}`;
  }
}
