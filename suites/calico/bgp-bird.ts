import { CALICO_BIRD_CONFIG, CALICO_BIRD_SOCKET, meshPeers, peerAddressOf, renderPeers } from '../../clusters/lab/datapaths/calico-bird.ts';
import type { ClusterHandle, NodeHandle } from '../../clusters/types.ts';
import type { BirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import type { CalicoNodeStatus } from '../../helpers/parsers/calicoctl-node-status.ts';
import { parseIpRoute } from '../../helpers/parsers/ip-route.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import type { Breakage } from '../types.ts';

/** BIRD's control socket on a node, as calico-node puts it (the lab runs BIRD on the node itself). */
export const birdcArgv = (...args: string[]) => ['birdc', '-s', CALICO_BIRD_SOCKET, ...args];

const PEER_TYPES: Array<[RegExp, string]> = [[/^Mesh_/, 'node-to-node mesh'], [/^Node_/, 'node specific'], [/^Global_/, 'global']];

/** What `calicoctl node status` prints, derived from `birdc show protocols` the way calicoctl does: peer type from the name prefix. */
export function statusFromBird(p: BirdProtocols): CalicoNodeStatus {
  const ipv4Peers = p.protocols.flatMap((x) => {
    const type = PEER_TYPES.find(([re]) => re.test(x.name))?.[1];
    const address = peerAddressOf(x.name);
    return x.proto === 'BGP' && type && address ? [{ address, type, state: x.state, since: x.since, info: x.info }] : [];
  });
  return { calicoRunning: true, birdRunning: true, ipv4Peers, ipv6Peers: [] };
}

/** A node's Calico block routes: blackholes BIRD exports for its own blocks, and what it learnt for the others. */
export interface NodeBlocks {
  own: string[];
  learnt: Array<{ dst: string; via?: string; dev?: string }>;
}

export function blocksFromRoutes(text: string): NodeBlocks {
  const routes = parseIpRoute(text).filter((r) => r.proto === 'bird');
  return {
    own: routes.filter((r) => r.type === 'blackhole').map((r) => r.dst),
    learnt: routes.filter((r) => r.type === 'unicast').map((r) => ({ dst: r.dst, ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}) })),
  };
}

/** Every node must route every other node's block via that node (BGP next hop kept, reflected or not). */
export function blockRouteProblems(nodes: Array<{ node: string; address?: string; blocks?: NodeBlocks }>): string[] {
  const problems: string[] = [];
  for (const owner of nodes) {
    if (!owner.blocks) continue;
    if (owner.blocks.own.length === 0) problems.push(`node ${owner.node}: no "blackhole <block> proto bird" route, so it advertises no block`);
    for (const block of owner.blocks.own) {
      for (const n of nodes.filter((x) => x !== owner && x.blocks)) {
        const route = n.blocks!.learnt.find((r) => r.dst === block);
        if (!route) problems.push(`node ${n.node}: no route to ${owner.node}'s block ${block} (expected via ${owner.address ?? '?'} proto bird)`);
        else if (route.via !== owner.address) problems.push(`node ${n.node}: ${owner.node}'s block ${block} routed via ${route.via ?? '(none)'}, expected via ${owner.address ?? '?'}`);
      }
    }
  }
  return problems;
}

/** Without node labels (lab), a reflector is a node with a BGP session to every other node. */
export function reflectorsFromSessions(nodes: Array<{ node: string; address?: string; status: CalicoNodeStatus }>): string[] {
  if (nodes.length < 3) return [];
  return nodes.filter((n) => nodes.every((o) => o === n || n.status.ipv4Peers.some((p) => p.address === o.address))).map((n) => n.node);
}

/** Lab form of `nodeToNodeMeshEnabled: true`: Mesh_ sessions added to BIRD on every node not a reflector, then `birdc configure`. */
export async function meshOnInLab(cluster: ClusterHandle, reflectors: string[], settled: () => Promise<string[]>): Promise<Breakage> {
  const clients = cluster.nodes.filter((n) => !reflectors.includes(n.name));
  const ips = clients.map((n) => n.addresses[0] ?? '');
  const saved = `${CALICO_BIRD_CONFIG}.before-mesh`;
  // "Reconfigured", or "Reconfiguration in progress" while removed sessions shut down.
  const configure = `${birdcArgv('configure').join(' ')} | grep -E 'Reconfigur(ed|ation in progress)'`;
  for (const node of clients) {
    const peers = renderPeers(meshPeers(node.addresses[0] ?? '', ips, 64512), node.addresses[0] ?? '');
    await sh(node, [`cp ${CALICO_BIRD_CONFIG} ${saved}`, `cat >> ${CALICO_BIRD_CONFIG} <<'EOF'\n${peers}\nEOF`, configure]);
  }
  return {
    what: `Mesh_ sessions configured in BIRD on ${clients.map((n) => n.name).join(', ')}`,
    async undo() {
      for (const node of clients) await sh(node, [`mv ${saved} ${CALICO_BIRD_CONFIG}`, configure]);
      await untilHolds('BIRD back to its own config (Mesh_ sessions removed)', settled);
    },
  };
}

/** Waits until a behaviour's own probe and expectation pass again, e.g. after re-enabling a BGP session. */
export async function untilHolds<T>(what: string, check: () => Promise<string[]>, deadlineMs = 90_000): Promise<void> {
  await pollUntilDone(what, check, deadlineMs, 500);
}

async function sh(node: NodeHandle, lines: string[]): Promise<void> {
  const r = await node.exec(['sh', '-ec', lines.join('\n')]);
  if (r.exitCode !== 0) throw new Error(`node ${node.name}: failed to run ${lines.join('; ')}: ${(r.stderr || r.stdout).trim()}`);
}
