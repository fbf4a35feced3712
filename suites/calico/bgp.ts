import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import type { CalicoNodeStatus } from '../../helpers/parsers/calicoctl-node-status.ts';
import { calicoNodePods, systemPods } from '../../clusters/kind/system-pods.ts';
import { kubeOf, output } from '../kube-actions.ts';
import { parseBirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import { parseBirdRoutes } from '../../helpers/parsers/birdc-routes.ts';
import { birdclArgv, blocksFromRoutes, pollMsOf, sh, statusFromBird, untilHolds, upperHalf, type BgpNodeView } from './bgp-bird.ts';

export const DOCS = {
  bgp: 'https://docs.tigera.io/calico/latest/networking/configuring/bgp',
  nodeStatus: 'https://docs.tigera.io/calico/latest/reference/calicoctl/node/status',
  ippools: 'https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools',
  specificIp: 'https://docs.tigera.io/calico/latest/networking/ipam/use-specific-ip',
  ipamCheck: 'https://docs.tigera.io/calico/latest/reference/calicoctl/ipam/check',
  vpp: 'https://docs.tigera.io/calico/latest/getting-started/kubernetes/vpp/getting-started',
};

export interface NodeBgp extends BgpNodeView { status: CalicoNodeStatus }

/**
 * What `calicoctl node status` reads, on every node: BIRD's `show protocols` on its control socket, mapped as calicoctl maps it,
 * and BIRD's table (`show route`: every alternative of every prefix); `birdcl` on the lab node (BIRD 1.6.8 there),
 * in the node's calico-node pod on kind (kind nodes have no calicoctl). Both read the node's `proto bird` kernel routes:
 * its own blocks (blackholes) and the others' it learnt.
 */
export async function nodeStatuses(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: NodeBgp[] }> {
  // Every node, and the three reads of each, at once: they only read state (lab: 9 execs in ~0.2 s instead of ~0.8 s one after another).
  const seen = await Promise.all(cluster.nodes.map(async (node) => {
    const bird = birdOn(cluster, node.name);
    const [text, table, routes] = await Promise.all([
      bird('show', 'protocols'), bird('show', 'route'), output(`node ${node.name}`, (a) => node.exec(a), ['ip', '-4', 'route', 'show']),
    ]);
    return { node, text, table, routes };
  }));
  const raw: Record<string, string> = {};
  const value: NodeBgp[] = [];
  for (const { node, text, table, routes } of seen) {
    raw[`${node.name}: ${birdclArgv('show', 'protocols').join(' ')}`] = text;
    raw[`${node.name}: ${birdclArgv('show', 'route').join(' ')}`] = table;
    raw[`${node.name}: ip -4 route show`] = routes;
    const address = node.addresses[0];
    const parsed = parseBirdRoutes(table);
    value.push({
      node: node.name, ...(address ? { address } : {}), status: statusFromBird(parseBirdProtocols(text)), blocks: blocksFromRoutes(routes),
      table: parsed.routes, unparsed: parsed.unparsed,
    });
  }
  return { raw, value };
}

/** Runs a BIRD CLI command on a node: birdcl on the lab node, in the node's calico-node pod on kind. */
export function birdOn(cluster: ClusterHandle, node: string): (...args: string[]) => Promise<string> {
  if (cluster.capabilities.provider === 'lab') {
    const n = cluster.node(node);
    return (...args) => output(`node ${node}`, (a) => n.exec(a), birdclArgv(...args));
  }
  return async (...args) => {
    const pod = await calicoNodePod(cluster, node);
    return output(`calico-node ${pod.name}`, (a) => pod.exec(a), birdclArgv(...args));
  };
}

/** Polls `show protocols` until the named BGP sessions are Established again (after re-enabling). */
export async function untilEstablished(bird: (...args: string[]) => Promise<string>, where: string, names: RegExp, intervalMs?: number): Promise<void> {
  await untilHolds(`BGP sessions ${names.source} on ${where} re-establishing`, async () =>
    parseBirdProtocols(await bird('show', 'protocols')).protocols
      .filter((p) => p.proto === 'BGP' && names.test(p.name) && !p.info.startsWith('Established'))
      .map((p) => `${where}: ${p.name} ${p.state} ${p.info}`), undefined, intervalMs);
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
      await untilEstablished(birdcl, node.name, new RegExp(`^${name}$`), pollMsOf(cluster));
    },
  };
}

export { birdclArgv };

/**
 * An overlapping announcement: the first node's kernel gets `blackhole <upper half of the second node's block>`; BIRD's
 * kernel protocol learns alien routes (`learn;`) and calico_export_to_bgp_peers() exports anything inside the pool that
 * is not inside the node's own blocks (confd/etc/calico/confd/templates/bird_ipam.cfg.template, bird_aggr.cfg.template@v3.31.0),
 * so every peer learns part of the second node's block via the first. Same commands on the lab and on a kind node.
 * Apply returns once another node routes the prefix via the first node; undo once `check` passes again.
 */
export async function announceInsideAnotherBlock(cluster: ClusterHandle, check: () => Promise<string[]>) {
  const nodes = (await nodeStatuses(cluster)).value;
  const [a, b] = nodes;
  const block = b?.blocks?.own[0];
  if (!a?.address || !b || !block) throw new Error(`failed to break "${cluster.name}": need two nodes, the second with a block (blackhole proto bird)`);
  const prefix = upperHalf(block);
  const node = cluster.node(a.node);
  await sh(node, [`ip route add blackhole ${prefix}`]);
  await untilHolds(`a node other than ${a.node} routing ${prefix} via ${a.address}`, async () =>
    ((await nodeStatuses(cluster)).value.some((n) => n !== a && n.blocks?.learnt.some((r) => r.dst === prefix && r.via === a.address)) ? [] : [`no node routes ${prefix} via ${a.address} yet`]), 30_000, pollMsOf(cluster));
  return {
    what: `blackhole ${prefix} (inside ${b.node}'s block ${block}) added on ${a.node}, learnt and exported by its BIRD`,
    async undo() {
      await sh(node, [`ip route del blackhole ${prefix}`]);
      await untilHolds(`BGP holding again after removing ${prefix} from ${a.node}`, check, undefined, pollMsOf(cluster));
    },
  };
}
