import type { LabNode } from './types.ts';

/**
 * Bytes (skb truesize) a lab device may hold for one unresolved neighbour; the kernel's default is 212992.
 *
 * Why: every echo reply and ICMP error the kernel sends goes through one raw socket per CPU that all network namespaces
 * share (`static DEFINE_PER_CPU(struct sock *, ipv4_icmp_sk)`, icmp_xmit_lock() and icmp_init(), net/ipv4/icmp.c@v6.18),
 * whose send buffer is 2 x SKB_TRUESIZE(64 KiB). A reply waiting for a neighbour that never answers stays charged to that
 * socket until the neighbour fails (3 x 1 s). A negative control that stops one lab pod's gateway from answering ARP
 * while other pods still ping it filled that buffer, and every other lab on the machine lost its echo replies for
 * seconds (ICMP 0/5 while TCP answered, in K-GW-1, X-MTU-1, F-HG-1, F-RT-1, F-VX-1). Measured here: a netns receiving
 * 150-packet bursts with its route back through an unanswered next hop made 11 of 1196 5-ping runs between two other
 * netns lose replies; with this bound on its device, 0 of 2215.
 * 16 KiB still queues about 20 small packets per neighbour: a resolvable neighbour answers in microseconds on a veth.
 * Only the lab sets it: a kind or attached cluster's sysctls are the CNI's and the machine's.
 */
export const NEIGHBOUR_QUEUE_BYTES = 16384;

/**
 * One sh script that sets unres_qlen_bytes of every IPv4 neighbour device in the node's netns and in every netns on the
 * node (pods). Non-initial netns have no neigh/default entry (new devices copy the machine's), so devices are set one
 * by one, and devices made later (by a control) are set by running it again.
 */
export function neighbourQueueScript(bytes = NEIGHBOUR_QUEUE_BYTES): string {
  const setAll = `for f in /proc/sys/net/ipv4/neigh/*/unres_qlen_bytes; do [ "$(cat "$f")" = ${bytes} ] || echo ${bytes} > "$f"; done`;
  return [
    setAll,
    // ip netns list prints "name (id: N)"; /proc/sys/net follows the netns of the process reading it.
    `for ns in $(ip netns list | cut -d' ' -f1); do ip netns exec "$ns" sh -c '${setAll}'; done`,
  ].join('\n');
}

/** Bounds the neighbour queues of every device on these lab nodes and their pods. */
export async function boundNeighbourQueues(nodes: readonly LabNode[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.sh([neighbourQueueScript()])));
}
