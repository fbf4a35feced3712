import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import type { CalicoNodeStatus } from '../../helpers/parsers/calicoctl-node-status.ts';
import { calicoNodePods, systemPods } from '../../clusters/kind/system-pods.ts';
import { kubeOf, output } from '../kube-actions.ts';
import { parseBirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import { birdcArgv, blocksFromRoutes, statusFromBird, untilHolds, type NodeBlocks } from './bgp-bird.ts';

export const DOCS = {
  bgp: 'https://docs.tigera.io/calico/latest/networking/configuring/bgp',
  nodeStatus: 'https://docs.tigera.io/calico/latest/reference/calicoctl/node/status',
  ippools: 'https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools',
  specificIp: 'https://docs.tigera.io/calico/latest/networking/ipam/use-specific-ip',
  ipamCheck: 'https://docs.tigera.io/calico/latest/reference/calicoctl/ipam/check',
  vpp: 'https://docs.tigera.io/calico/latest/getting-started/kubernetes/vpp/getting-started',
};

export interface NodeBgp { node: string; address?: string; status: CalicoNodeStatus; blocks?: NodeBlocks }

/**
 * What `calicoctl node status` reads, on every node: BIRD's `show protocols` on its control socket, mapped as calicoctl maps it;
 * birdc on the lab node, birdcl in the node's calico-node pod on kind (kind nodes have no calicoctl).
 * Both read the node's `proto bird` routes: its own blocks (blackholes) and the others' it learnt.
 */
export async function nodeStatuses(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: NodeBgp[] }> {
  const raw: Record<string, string> = {};
  const value: NodeBgp[] = [];
  const lab = cluster.capabilities.provider === 'lab';
  for (const node of cluster.nodes) {
    const argv = lab ? birdcArgv('show', 'protocols') : birdclArgv('show', 'protocols');
    const text = lab ? await output(`node ${node.name}`, (a) => node.exec(a), argv) : await birdOn(cluster, node.name)('show', 'protocols');
    raw[`${node.name}: ${argv.join(' ')}`] = text;
    const routes = await output(`node ${node.name}`, (a) => node.exec(a), ['ip', '-4', 'route', 'show']);
    raw[`${node.name}: ip -4 route show`] = routes;
    const address = node.addresses[0];
    const status = statusFromBird(parseBirdProtocols(text));
    value.push({ node: node.name, ...(address ? { address } : {}), status, blocks: blocksFromRoutes(routes) });
  }
  return { raw, value };
}

/** Runs a BIRD CLI command on a node: birdc on the lab node, birdcl in the node's calico-node pod on kind. */
export function birdOn(cluster: ClusterHandle, node: string): (...args: string[]) => Promise<string> {
  if (cluster.capabilities.provider === 'lab') {
    const n = cluster.node(node);
    return (...args) => output(`node ${node}`, (a) => n.exec(a), birdcArgv(...args));
  }
  return async (...args) => {
    const pod = await calicoNodePod(cluster, node);
    return output(`calico-node ${pod.name}`, (a) => pod.exec(a), birdclArgv(...args));
  };
}

/** BIRD's CLI inside calico-node, on the same control socket. */
export const birdclArgv = (...args: string[]) => ['birdcl', '-s', '/var/run/calico/bird.ctl', ...args];

/** Polls `show protocols` until the named BGP sessions are Established again (after re-enabling). */
export async function untilEstablished(bird: (...args: string[]) => Promise<string>, where: string, names: RegExp): Promise<void> {
  await untilHolds(`BGP sessions ${names.source} on ${where} re-establishing`, async () =>
    parseBirdProtocols(await bird('show', 'protocols')).protocols
      .filter((p) => p.proto === 'BGP' && names.test(p.name) && !p.info.startsWith('Established'))
      .map((p) => `${where}: ${p.name} ${p.state} ${p.info}`));
}

/** The calico-node pod on a node (calico-system with the operator, else kube-system; k8s-app=calico-node), exec'ing into calico-node. */
export async function calicoNodePod(cluster: ClusterHandle, node: string): Promise<PodHandle> {
  const pod = (await calicoNodePods(kubeOf(cluster))).find((p) => p.node === node);
  if (!pod) throw new Error(`cluster "${cluster.name}": no calico-node pod (${systemPods.calicoNode.selector} in ${systemPods.calicoNode.namespaces.join(' or ')}) on node ${node}`);
  return pod;
}

/** Negative-control helper: disables one BIRD BGP protocol via the calico-node control socket. */
export async function disableFirstPeer(cluster: ClusterHandle, prefix: string) {
  const node = cluster.nodes[0];
  if (!node) throw new Error(`cluster "${cluster.name}": no node`);
  const birdcl = birdOn(cluster, node.name);
  const name = /^\s*(?:\d{4}-)?\s*(\S+)\s+BGP\b/m.exec((await birdcl('show', 'protocols')).split('\n').filter((l) => l.includes(prefix)).join('\n'))?.[1];
  if (!name) throw new Error(`node ${node.name}: no BIRD protocol starting ${prefix} in "show protocols"`);
  await birdcl('disable', name);
  return {
    what: `BIRD protocol ${name} disabled on ${node.name}`,
    undo: async () => {
      await birdcl('enable', name);
      await untilEstablished(birdcl, node.name, new RegExp(`^${name}$`));
    },
  };
}
