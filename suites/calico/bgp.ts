import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { parseCalicoNodeStatus, type CalicoNodeStatus } from '../../helpers/parsers/calicoctl-node-status.ts';
import { output } from '../kube-actions.ts';

export const DOCS = {
  bgp: 'https://docs.tigera.io/calico/latest/networking/configuring/bgp',
  nodeStatus: 'https://docs.tigera.io/calico/latest/reference/calicoctl/node/status',
  ippools: 'https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools',
  specificIp: 'https://docs.tigera.io/calico/latest/networking/ipam/use-specific-ip',
  ipamCheck: 'https://docs.tigera.io/calico/latest/reference/calicoctl/ipam/check',
  vpp: 'https://docs.tigera.io/calico/latest/getting-started/kubernetes/vpp/getting-started',
};

export interface NodeBgp { node: string; address?: string; status: CalicoNodeStatus }

/** `calicoctl node status` on every node (calicoctl installed on the kind nodes, BIRD socket local). */
export async function nodeStatuses(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: NodeBgp[] }> {
  const raw: Record<string, string> = {};
  const value: NodeBgp[] = [];
  for (const node of cluster.nodes) {
    const text = await output(`node ${node.name}`, (a) => node.exec(a), ['calicoctl', 'node', 'status']);
    raw[`${node.name}: calicoctl node status`] = text;
    const address = node.addresses[0];
    value.push({ node: node.name, ...(address ? { address } : {}), status: parseCalicoNodeStatus(text) });
  }
  return { raw, value };
}

export function calicoNodePod(cluster: ClusterHandle, node: string): PodHandle {
  const pod = cluster.pods.find((p) => p.labels['k8s-app'] === 'calico-node' && p.node === node);
  if (!pod) throw new Error(`cluster "${cluster.name}": no calico-node pod on node ${node}`);
  return pod;
}

/** Negative-control helper: disables one BIRD BGP protocol via the calico-node control socket. */
export async function disableFirstPeer(cluster: ClusterHandle, prefix: string) {
  const node = cluster.nodes[0];
  if (!node) throw new Error(`cluster "${cluster.name}": no node`);
  const pod = calicoNodePod(cluster, node.name);
  const birdcl = (...args: string[]) => output(`calico-node ${pod.name}`, (a) => pod.exec(a), ['birdcl', '-s', '/var/run/calico/bird.ctl', ...args]);
  const name = /^\s*(?:\d{4}-)?\s*(\S+)\s+BGP\b/m.exec((await birdcl('show', 'protocols')).split('\n').filter((l) => l.includes(prefix)).join('\n'))?.[1];
  if (!name) throw new Error(`calico-node ${pod.name}: no BIRD protocol starting ${prefix}`);
  await birdcl('disable', name);
  return { what: `BIRD protocol ${name} disabled on ${node.name}`, undo: async () => { await birdcl('enable', name); } };
}
