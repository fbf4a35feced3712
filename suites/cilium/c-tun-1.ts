import { parseIpLink } from '../../helpers/parsers/ip-link.ts';
import { defineBehaviour } from '../check.ts';
import { output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS, agents, agentStatuses } from './agents.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { parseIpRoute } from '../../helpers/parsers/ip-route.ts';
import { kubectl } from '../kube-actions.ts';

export interface IpcacheEntry { prefix: string; identity?: number; tunnelEndpoint?: string; flags?: string }

export interface TunnelObservation {
  nodes: {
    node: string;
    vxlan?: { up: boolean; dstport?: number };
    /** The node's address on the kind network and its pod CIDR (Node spec.podCIDR, Cilium ipam.mode kubernetes). */
    address?: string;
    podCidr?: string;
    /** The node's agent's ipcache (`cilium-dbg bpf ipcache list -o json`), and lines it could not read. */
    ipcache?: IpcacheEntry[];
    ipcacheUnparsed?: string[];
    /** `ip -4 route` destinations through cilium_host. */
    hostRoutes?: string[];
  }[];
  agents: { pod: string; network?: string; tunnelProtocol?: string }[];
}

/**
 * Reads `cilium-dbg bpf ipcache list -o json`: prefix -> value strings, each printed by RemoteEndpointInfo.String() as
 * `identity=%d encryptkey=%d tunnelendpoint=%s flags=%s` (pkg/maps/ipcache/ipcache.go; the list command dumps the map
 * into map[string][]string and prints it with command.PrintOutput for -o json, cilium-dbg/cmd/bpf_ipcache_list.go).
 * Values it cannot read are returned in `unparsed`, not dropped.
 */
export function readIpcacheJson(text: string): { entries: IpcacheEntry[]; unparsed: string[] } {
  const entries: IpcacheEntry[] = [];
  const unparsed: string[] = [];
  let map: Record<string, unknown>;
  try {
    map = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { entries, unparsed: text.split('\n').filter((l) => l.trim()) };
  }
  for (const [prefix, values] of Object.entries(map)) {
    for (const value of Array.isArray(values) ? values : [values]) {
      const m = typeof value === 'string' ? /^identity=(\d+) encryptkey=\d+ tunnelendpoint=(\S+)(?: flags=(\S+))?$/.exec(value.trim()) : null;
      if (!m) { unparsed.push(`${prefix}: ${JSON.stringify(value)}`); continue; }
      entries.push({ prefix, identity: Number(m[1]), ...(m[2] !== '0.0.0.0' && m[2] !== '<nil>' ? { tunnelEndpoint: m[2] } : {}), ...(m[3] ? { flags: m[3] } : {}) });
    }
  }
  return { entries, unparsed };
}

/** Destinations of `ip -4 route` routed through cilium_host (tunnel mode: every remote pod CIDR, via cilium_host's address). */
export function readHostRoutes(text: string): string[] {
  return parseIpRoute(text).filter((r) => r.type === 'unicast' && r.dev === 'cilium_host' && r.dst.includes('/') && r.via).map((r) => r.dst);
}

/** Reads `ip -d link show cilium_vxlan` (flags and dstport); undefined when the device is absent. */
export function readVxlanLink(text: string): TunnelObservation['nodes'][number]['vxlan'] {
  const link = parseIpLink(text).find((l) => l.name === 'cilium_vxlan');
  if (!link) return undefined;
  const port = link.vxlan?.dstport;
  return { up: link.flags.includes('UP'), ...(port !== undefined ? { dstport: port } : {}) };
}

export function expectVxlanTunnel(v: TunnelObservation): string[] {
  const problems: string[] = [];
  for (const n of v.nodes) {
    if (!n.vxlan) problems.push(`node ${n.node}: no cilium_vxlan device; set routingMode=tunnel, tunnelProtocol=vxlan`);
    else {
      if (!n.vxlan.up) problems.push(`node ${n.node}: cilium_vxlan is down`);
      if (n.vxlan.dstport !== 8472) problems.push(`node ${n.node}: cilium_vxlan dstport is ${n.vxlan.dstport ?? 'unknown'}, expected 8472`);
    }
  }
  for (const n of v.nodes) {
    for (const line of n.ipcacheUnparsed ?? []) problems.push(`node ${n.node}: ipcache entry not understood: ${line}`);
    if (!n.ipcache) continue;
    for (const peer of v.nodes.filter((p) => p !== n)) {
      if (!peer.podCidr || !peer.address) { problems.push(`node ${peer.node}: pod CIDR or address unknown, cannot check ${n.node}'s tunnel to it`); continue; }
      const entry = n.ipcache.find((e) => e.prefix === peer.podCidr);
      if (!entry) problems.push(`node ${n.node}: no ipcache entry for ${peer.node}'s pod CIDR ${peer.podCidr} (expected tunnelendpoint=${peer.address})`);
      else if (entry.tunnelEndpoint !== peer.address) problems.push(`node ${n.node}: ipcache ${peer.podCidr} has tunnelendpoint=${entry.tunnelEndpoint ?? '0.0.0.0'}, expected ${peer.address} (${peer.node})`);
      if (n.hostRoutes && !n.hostRoutes.includes(peer.podCidr)) problems.push(`node ${n.node}: no route for ${peer.node}'s pod CIDR ${peer.podCidr} via cilium_host`);
    }
  }
  for (const a of v.agents) {
    if (a.network !== 'Tunnel' || a.tunnelProtocol !== 'vxlan') problems.push(`agent ${a.pod}: routing is ${a.network ?? 'not reported'}${a.tunnelProtocol ? ` [${a.tunnelProtocol}]` : ''}, expected Tunnel [vxlan]`);
  }
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export const cTun1 = defineBehaviour<TunnelObservation>({
  id: 'C-TUN-1',
  title: 'VXLAN tunnel between nodes',
  docs: DOCS.routing,
  requires: [cni('cilium'), feature('vxlan', 'cilium-config routing-mode=tunnel, tunnel-protocol=vxlan')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Record<string, string> = {};
    const statuses = await agentStatuses(cluster);
    Object.assign(raw, statuses.raw);
    const podCidrs = await nodePodCidrs(cluster);
    raw['node pod CIDRs (spec.podCIDR)'] = JSON.stringify(podCidrs);
    const agentsByNode = new Map((await agents(cluster)).map((p) => [p.node, p]));
    const nodes: TunnelObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const r = await node.exec(['ip', '-d', 'link', 'show', 'cilium_vxlan']);
      raw[`${node.name}: ip -d link show cilium_vxlan`] = r.stdout + r.stderr;
      const vxlan = r.exitCode === 0 ? readVxlanLink(r.stdout) : undefined;
      const routes = await output(`node ${node.name}`, (a) => node.exec(a), ['ip', '-4', 'route']);
      raw[`${node.name}: ip -4 route`] = routes;
      const agent = agentsByNode.get(node.name);
      const ipcache = agent ? await output(`cilium agent ${agent.name}`, (a) => agent.exec(a), ['cilium-dbg', 'bpf', 'ipcache', 'list', '-o', 'json']) : undefined;
      if (ipcache !== undefined) raw[`${agent!.name}: cilium-dbg bpf ipcache list -o json`] = ipcache;
      const read = ipcache !== undefined ? readIpcacheJson(ipcache) : undefined;
      const address = node.addresses[0];
      const podCidr = podCidrs[node.name];
      nodes.push({
        node: node.name, ...(vxlan ? { vxlan } : {}), ...(address ? { address } : {}), ...(podCidr ? { podCidr } : {}),
        ...(read ? { ipcache: read.entries, ipcacheUnparsed: read.unparsed } : {}), hostRoutes: readHostRoutes(routes),
      });
    }
    return { raw, value: { nodes, agents: statuses.value.map((a) => ({ pod: a.pod, ...a.status.routing })) } };
  },
  expect: expectVxlanTunnel,
  negativeControls: [
    {
      name: 'cilium_vxlan down on one node',
      owner: {
        owner: 'cilium-agent', reverts: 'on-event', breakage: 'changes',
        why: 'the agent creates and sets up cilium_vxlan when it (re)initialises the datapath, not on a timer',
        unverified: 'pkg/datapath/linux (tunnel device setup) not read at v1.20.0',
      },
      async apply(cluster) {
        const node = cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node to break`);
        await output(`node ${node.name}`, (a) => node.exec(a), ['ip', 'link', 'set', 'cilium_vxlan', 'down']);
        return { what: `cilium_vxlan down on ${node.name}`, undo: async () => { await node.exec(['ip', 'link', 'set', 'cilium_vxlan', 'up']); } };
      },
      expectFailure: /cilium_vxlan is down/,
    },
  ],
});

/** Node name -> spec.podCIDR (ipam.mode kubernetes: Cilium takes each node's pod CIDR from its Node object). */
async function nodePodCidrs(cluster: ClusterHandle): Promise<Record<string, string>> {
  const text = await kubectl(cluster, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.podCIDR}{"\\n"}{end}']);
  return Object.fromEntries(text.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 2 && p[1]).map(([n, c]) => [n!, c!]));
}
