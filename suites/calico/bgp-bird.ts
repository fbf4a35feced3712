import { CALICO_BIRD_CONFIG, CALICO_BIRD_SOCKET, peerAddressOf, renderPeers, type BirdPeer } from '../../clusters/lab/datapaths/calico-bird.ts';
import type { ClusterHandle, NodeHandle } from '../../clusters/types.ts';
import type { BirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import type { BirdRoute } from '../../helpers/parsers/birdc-routes.ts';
import type { CalicoNodeStatus } from '../../helpers/parsers/calicoctl-node-status.ts';
import { ipv4ToInt, parseIpRoute } from '../../helpers/parsers/ip-route.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';

/** BIRD's CLI as calico-node runs it (`birdcl` on calico's control socket); the lab node carries the same command. */
export const birdclArgv = (...args: string[]) => ['birdcl', '-s', CALICO_BIRD_SOCKET, ...args];

const PEER_TYPES: Array<[RegExp, string]> = [[/^Mesh_/, 'node-to-node mesh'], [/^Node_/, 'node specific'], [/^Global_/, 'global']];
const BGP_PROTOCOL = /^(Mesh|Node|Global)_/;

/** What `calicoctl node status` prints, derived from `birdcl show protocols` the way calicoctl does: peer type from the name prefix. */
export function statusFromBird(p: BirdProtocols): CalicoNodeStatus {
  const ipv4Peers = p.protocols.flatMap((x) => {
    const type = PEER_TYPES.find(([re]) => re.test(x.name))?.[1];
    const address = peerAddressOf(x.name);
    return x.proto === 'BGP' && type && address ? [{ address, type, state: x.state, since: x.since, info: x.info }] : [];
  });
  return { calicoRunning: true, birdRunning: true, ipv4Peers, ipv6Peers: [] };
}

/** A node's Calico block routes in the kernel: blackholes BIRD exports for its own blocks, and what it learnt for the others. */
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

/** One node as the BGP checks see it: kernel block routes, and BIRD's own table (`show route`, every alternative). */
export interface BgpNodeView {
  node: string;
  address?: string;
  blocks?: NodeBlocks;
  /** BIRD's routes; absent where only calicoctl's status was read. */
  table?: BirdRoute[];
  /** Lines of `show route` the parser did not understand. */
  unparsed?: string[];
}

const overlaps = (a: string, b: string) => {
  const [na, la] = a.split('/');
  const [nb, lb] = b.split('/');
  if (!na || !nb || !/^\d+\.\d+\.\d+\.\d+$/.test(na) || !/^\d+\.\d+\.\d+\.\d+$/.test(nb)) return false;
  const len = Math.min(Number(la ?? 32), Number(lb ?? 32));
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return ((ipv4ToInt(na) & mask) >>> 0) === ((ipv4ToInt(nb) & mask) >>> 0);
};

/**
 * Blocks are exclusive and learnt as the topology says:
 * - every node exports a block (a `blackhole <block> proto bird`);
 * - no node originates a prefix inside another node's block: not as its own blackhole, not from its BIRD
 *   (kernel-learnt or static routes it would export), and no node routes such a prefix via a node that does not own it;
 * - every node routes every other node's block via that node (BGP next hop kept, reflected or not);
 * - BIRD holds each remote block exactly `copies(node, owner)` times (once in a mesh: more means an extra session).
 */
export function blockRouteProblems(nodes: BgpNodeView[], copies: (node: BgpNodeView, owner: BgpNodeView) => number = () => 1): string[] {
  const problems: string[] = [];
  const withBlocks = nodes.filter((n) => n.blocks);
  const byAddress = (ip?: string) => nodes.find((n) => n.address === ip);
  // Blocks of other nodes that `prefix` overlaps (either way, for a node's own blackholes) or lies inside (for routes).
  const ownerOf = (prefix: string, except: BgpNodeView, inside = true) => withBlocks.flatMap((o) => (o === except ? [] : o.blocks!.own
    .filter((b) => overlaps(b, prefix) && (!inside || prefixLength(prefix) >= prefixLength(b))).map((b) => ({ owner: o, block: b }))));
  for (const n of nodes) {
    for (const line of n.unparsed ?? []) problems.push(`node ${n.node}: birdcl show route printed a line the parser does not understand: "${line.trim()}"`);
  }
  for (const owner of withBlocks) {
    if (owner.blocks!.own.length === 0) problems.push(`node ${owner.node}: no "blackhole <block> proto bird" route, so it advertises no block`);
    for (const mine of owner.blocks!.own) {
      for (const { owner: other, block } of ownerOf(mine, owner, false)) problems.push(`node ${owner.node}: originates ${mine}, which overlaps ${other.node}'s block ${block}`);
    }
    for (const r of owner.table ?? []) {
      if (BGP_PROTOCOL.test(r.protocol) || owner.blocks!.own.some((b) => overlaps(b, r.prefix) && prefixLength(r.prefix) >= prefixLength(b))) continue;
      for (const { owner: other, block } of ownerOf(r.prefix, owner)) {
        problems.push(`node ${owner.node}: BIRD holds ${r.prefix} from ${r.protocol}, inside ${other.node}'s block ${block}, and would export it: a node originates only its own blocks`);
      }
    }
    for (const block of owner.blocks!.own) {
      for (const n of withBlocks.filter((x) => x !== owner)) {
        const route = n.blocks!.learnt.find((r) => r.dst === block);
        if (!route) problems.push(`node ${n.node}: no route to ${owner.node}'s block ${block} (expected via ${owner.address ?? '?'} proto bird)`);
        else if (route.via !== owner.address) problems.push(`node ${n.node}: ${owner.node}'s block ${block} routed via ${route.via ?? '(none)'}, expected via ${owner.address ?? '?'}`);
        if (!n.table) continue;
        const learnt = n.table.filter((r) => r.prefix === block && BGP_PROTOCOL.test(r.protocol));
        const want = copies(n, owner);
        if (learnt.length > want) {
          problems.push(`node ${n.node}: ${owner.node}'s block ${block} learnt ${learnt.length} times (${learnt.map((r) => `${r.protocol}${r.from ? ` from ${r.from}` : ''}`).join(', ')}), expected ${want === 1 ? 'once' : `${want} times`}`);
        }
      }
    }
  }
  for (const n of withBlocks) {
    for (const r of n.blocks!.learnt) {
      if (withBlocks.some((o) => o !== n && o.blocks!.own.includes(r.dst) && o.address === r.via)) continue;
      // Inside a block (the node's own included) of a node other than the next hop: that block is hijacked (whole blocks: above).
      const via = byAddress(r.via);
      for (const { owner, block } of withBlocks.filter((o) => o !== via).flatMap((o) => o.blocks!.own.filter((b) => b !== r.dst && overlaps(b, r.dst) && prefixLength(r.dst) > prefixLength(b)).map((b) => ({ owner: o, block: b })))) {
        problems.push(`node ${n.node}: routes ${r.dst} via ${r.via ?? '(none)'}${via ? ` (${via.node})` : ''}, inside ${owner.node}'s block ${block}: a node originates only its own blocks`);
      }
    }
  }
  return problems;
}

const prefixLength = (p: string) => Number(p.split('/')[1] ?? 32);

/**
 * Lab form of a BGP change calico-node's confd would make: `protocol bgp` blocks appended to a node's bird.cfg,
 * then `birdcl configure` (BIRD 1.6 answers "Reconfigured", or "Reconfiguration in progress" while sessions shut down).
 * Undo puts the file back and reconfigures; the caller waits for the state it names.
 */
export async function addBirdPeers(node: NodeHandle, nodeIp: string, peers: BirdPeer[]): Promise<() => Promise<void>> {
  const saved = `${CALICO_BIRD_CONFIG}.before-${peers.map((p) => p.name).join('-')}`;
  const configure = `${birdclArgv('configure').join(' ')} | grep -E 'Reconfigur(ed|ation in progress)'`;
  await sh(node, [`cp ${CALICO_BIRD_CONFIG} ${saved}`, `cat >> ${CALICO_BIRD_CONFIG} <<'EOF'\n${renderPeers(peers, nodeIp)}\nEOF`, configure]);
  return () => sh(node, [`mv ${saved} ${CALICO_BIRD_CONFIG}`, configure]);
}

/** Waits until a behaviour's own probe and expectation pass again, e.g. after re-enabling a BGP session. */
export async function untilHolds(what: string, check: () => Promise<string[]>, deadlineMs = 90_000, intervalMs = 500): Promise<void> {
  await pollUntilDone(what, check, deadlineMs, intervalMs);
}

/**
 * Between two looks at BIRD: 150 ms on the lab (BIRD 1.6.8 acts on a configure or a session event within
 * milliseconds there; the lab's shortest BGP timer is 1 s), 500 ms on kind/attach as before.
 */
export const pollMsOf = (cluster: ClusterHandle): number => (cluster.capabilities.provider === 'lab' ? 150 : 500);

/** A prefix inside a block: its upper half (10.244.0.64/26 -> 10.244.0.96/27), clear of the lab's pods at block base + 10. */
export function upperHalf(block: string): string {
  const [net, len] = block.split('/');
  const size = 2 ** (32 - Number(len));
  const base = ipv4ToInt(net!) + size / 2;
  return `${[24, 16, 8, 0].map((s) => (base >>> s) & 255).join('.')}/${Number(len) + 1}`;
}

/** Breakage helper: a routing change on a node with its undo, each awaited by the caller's poll. */
export async function sh(node: NodeHandle, lines: string[]): Promise<void> {
  const r = await node.exec(['sh', '-ec', lines.join('\n')]);
  if (r.exitCode !== 0) throw new Error(`node ${node.name}: failed to run ${lines.join('; ')}: ${(r.stderr || r.stdout).trim()}`);
}
