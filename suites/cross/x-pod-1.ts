import { probePing, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { podPairs } from '../../helpers/probes/workload.ts';
import { defineBehaviour } from '../check.ts';

export interface PodReachability {
  from: string;
  fromNode: string;
  to: string;
  toAddress: string;
  toNode: string;
  sameNode: boolean;
  sent: number;
  received: number;
}

/** X-POD-1: every pod reaches a pod on its own node and a pod on another node. */
export const xPod1 = defineBehaviour<PodReachability[]>({
  id: 'X-POD-1',
  title: 'pod to pod on the same node and across nodes',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/#the-kubernetes-network-model',
  requires: [],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const value = await Promise.all(podPairs(cluster).map(async ({ from, to, sameNode }) => {
      const toAddress = to.addresses[0] ?? '';
      const ping = await probePing(from, toAddress, 2);
      raw.push([`${from.name} -> ${to.name}`, ping]);
      return {
        from: from.name, fromNode: from.node, to: to.name, toAddress, toNode: to.node, sameNode,
        sent: ping.value?.transmitted ?? 0, received: ping.value?.received ?? 0,
      };
    }));
    return { raw: rawOf(raw), value };
  },
  expect(pairs) {
    const problems: string[] = [];
    if (!pairs.some((p) => p.sameNode)) problems.push('no two pods share a node: same-node traffic cannot be checked');
    if (!pairs.some((p) => !p.sameNode)) problems.push('all pods are on one node: cross-node traffic cannot be checked');
    for (const p of pairs.filter((x) => x.received === 0)) {
      problems.push(`${p.from} on ${p.fromNode} cannot reach ${p.to} (${p.toAddress}) on ${p.toNode}: ${p.sent} sent, 0 received`);
    }
    return problems;
  },
  negativeControls: [
    {
      // A /32 blackhole outranks whatever the CNI programs for the pod's block, and a routing daemon
      // (BIRD's kernel sync, flanneld) leaves a route it does not own alone: a deleted one it would re-add.
      name: 'blackhole route to a pod on another node added on the first pod\'s node',
      expectFailure: /cannot reach \S+ \([\d.]+\) on \S+: \d+ sent, 0 received/,
      async apply(cluster) {
        const pair = podPairs(cluster).find((p) => !p.sameNode);
        if (!pair) throw new Error('failed to break X-POD-1: no pods on two nodes');
        const node = cluster.node(pair.from.node);
        const target = `${pair.to.addresses[0] ?? ''}/32`;
        const add = await node.exec(['ip', 'route', 'add', 'blackhole', target]);
        if (add.exitCode !== 0) throw new Error(`failed to add "blackhole ${target}" on ${node.name}: ${add.stderr}`);
        return {
          what: `route "blackhole ${target}" added on ${node.name}`,
          async undo() {
            const del = await node.exec(['ip', 'route', 'del', 'blackhole', target]);
            if (del.exitCode !== 0) throw new Error(`failed to delete "blackhole ${target}" on ${node.name}: ${del.stderr}`);
          },
        };
      },
    },
  ],
});
