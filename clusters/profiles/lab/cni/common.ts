import type { LabLink, LabNodeSpec, LabPodSpec } from '../../../lab/types.ts';

/** Underlay MTU of every CNI lab profile (a kind node's eth0). */
export const UNDERLAY_MTU = 1500;
export const CALICO_POOL = '10.244.0.0/16';
export const CALICO_AS = 64512;
/** The node label that makes a route reflector, as kind/calico-bgp-rr's BGPPeer selectors use it. */
export const RR_LABEL = 'route-reflector';

export function workers(...names: string[]): LabNodeSpec[] {
  return names.map((name) => ({ name, role: 'worker' }));
}

/** Nodes on one L2 segment (a switch bridge), eth0 = 172.30.0.<11+i>/24. */
export function segmentUnderlay(names: string[]): LabLink[] {
  return [{ kind: 'segment', name: 'underlay', members: names.map((node, i) => ({ node, iface: 'eth0', address: `172.30.0.${11 + i}/24`, mtu: UNDERLAY_MTU })) }];
}

/** Two nodes on one veth pair: the leanest L2 underlay. */
export function p2pUnderlay(a: string, b: string): LabLink[] {
  return [{ kind: 'p2p', a: { node: a, iface: 'eth0', address: '172.30.0.11/24', mtu: UNDERLAY_MTU }, b: { node: b, iface: 'eth0', address: '172.30.0.12/24', mtu: UNDERLAY_MTU } }];
}

/** Calico /26 blocks of 10.244.0.0/16, one per node in order: .0/26, .64/26, .128/26. */
export function calicoBlocks(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n, i) => [n, `10.244.0.${i * 64}/26`]));
}

/** Pods with addresses inside their node's block: `<count>` per node, from block base + 10. */
export function calicoPods(perNode: Record<string, number>): LabPodSpec[] {
  return Object.entries(perNode).flatMap(([node, count], i) =>
    Array.from({ length: count }, (_, k) => ({ name: `pod-${node.replace(/^node-/, '')}${k + 1}`, node, address: `10.244.0.${i * 64 + 10 + k}` })));
}
