import { peerAddressOf } from '../../clusters/lab/datapaths/calico-bird.ts';
import type { ClusterHandle, NodeHandle } from '../../clusters/types.ts';
import { parseBirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import { probeBgpSummary } from '../../helpers/probes/frr.ts';
import { probeAddresses, probeLinks } from '../../helpers/probes/net.ts';
import { birdclArgv } from '../../suites/calico/bgp-bird.ts';
import type { TopoEdge, Topology } from './model.ts';

const TUNNEL_KINDS = new Set(['vxlan', 'ipip', 'geneve', 'wireguard', 'gre', 'sit']);

/** What one node shows live: its addresses, its tunnel devices (VTEPs) and its BGP sessions. */
export interface NodeFacts {
  node: string;
  addresses: Array<{ iface: string; cidr: string }>;
  tunnels: Array<{ name: string; kind: string; vni?: number; local?: string; remote?: string; dstport?: number; state?: string }>;
  bgp: Array<{ peer: string; state: string; daemon: 'bird' | 'frr' }>;
  notes: string[];
}

/** Reads one node: `ip -4 addr`, `ip -d link`, and BIRD's or FRR's BGP sessions when that daemon answers. */
export async function nodeFacts(node: NodeHandle): Promise<NodeFacts> {
  const facts: NodeFacts = { node: node.name, addresses: [], tunnels: [], bgp: [], notes: [] };
  const [addrs, links, bird, frr] = await Promise.all([
    probeAddresses(node).catch((e: Error) => e),
    probeLinks(node).catch((e: Error) => e),
    node.exec(birdclArgv('show', 'protocols')).catch((e: Error) => e),
    probeBgpSummary(node).catch((e: Error) => e),
  ]);
  if (addrs instanceof Error) facts.notes.push(`${node.name}: ip -4 addr: ${addrs.message}`);
  else for (const a of addrs.value) if (a.family === 'inet' && !a.address.startsWith('127.')) facts.addresses.push({ iface: a.iface, cidr: `${a.address}/${a.prefixLength}` });
  if (links instanceof Error) facts.notes.push(`${node.name}: ip -d link: ${links.message}`);
  else {
    for (const l of links.value.filter((x) => x.kind && TUNNEL_KINDS.has(x.kind))) {
      facts.tunnels.push({
        name: l.name, kind: l.kind!, ...(l.state ? { state: l.state } : {}),
        ...(l.vxlan ? { vni: l.vxlan.id, ...(l.vxlan.local ? { local: l.vxlan.local } : {}), ...(l.vxlan.remote ? { remote: l.vxlan.remote } : {}), ...(l.vxlan.dstport ? { dstport: l.vxlan.dstport } : {}) } : {}),
      });
    }
  }
  // No BIRD or FRR on most nodes: a failed exec only means "no such daemon here".
  if (!(bird instanceof Error) && bird.exitCode === 0) {
    try {
      for (const p of parseBirdProtocols(bird.stdout).protocols.filter((x) => x.proto === 'BGP')) {
        facts.bgp.push({ peer: peerAddressOf(p.name) ?? p.name, state: p.info.split(/\s+/)[0] || p.state, daemon: 'bird' });
      }
    } catch (e) { facts.notes.push(`${node.name}: birdc show protocols: ${(e as Error).message}`); }
  }
  if (!(frr instanceof Error)) for (const s of frr.value) facts.bgp.push({ peer: s.peer, state: s.state, daemon: 'frr' });
  return facts;
}

/** The plan's picture with what the live cluster shows added: addresses, pods, VTEPs and tunnels, BGP sessions and their state. */
export function withLiveFacts(plan: Topology, cluster: Pick<ClusterHandle, 'pods'>, facts: NodeFacts[]): Topology {
  const nodes = plan.nodes.map((n) => ({ ...n, lines: [...n.lines] }));
  const edges: TopoEdge[] = [...plan.edges];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const owner = new Map<string, string>();
  for (const f of facts) for (const a of f.addresses) owner.set(a.cidr.split('/')[0]!, f.node);
  // Addresses the plan already prints at a link's end are not repeated in the node's box.
  const shown = new Set(plan.edges.flatMap((e) => [e.fromLabel, e.toLabel]).filter(Boolean).map((l) => l!.split('\n')[1]));
  for (const f of facts) {
    let node = byId.get(f.node);
    if (!node) { node = { id: f.node, kind: 'node', lines: [] }; nodes.push(node); byId.set(node.id, node); }
    for (const a of f.addresses) if (!shown.has(a.cidr)) node.lines.push(`${a.iface} ${a.cidr}`);
    for (const t of f.tunnels) {
      node.lines.push(`VTEP ${t.name} ${t.kind}${t.vni !== undefined ? ` vni ${t.vni}` : ''}${t.local ? ` local ${t.local}` : ''}${t.dstport ? ` :${t.dstport}` : ''}${t.state ? ` ${t.state}` : ''}`);
      const peer = t.remote ? owner.get(t.remote) : undefined;
      if (t.remote) edges.push({ from: f.node, to: peer ?? t.remote, kind: 'tunnel', label: `${t.kind} ${t.vni ?? ''}`.trim() });
    }
    for (const s of f.bgp) {
      const peer = owner.get(s.peer) ?? s.peer;
      // A session is drawn once, from the lexically smaller end; both ends' states are in the label.
      const back = edges.find((e) => e.kind === 'bgp' && e.from === peer && e.to === f.node);
      if (back) { back.label = `${back.label} / ${s.state}`; if (s.state !== 'Established') back.state = s.state; continue; }
      if (!byId.has(peer)) { const n = { id: peer, kind: 'host' as const, lines: ['BGP peer (not a node)'] }; nodes.push(n); byId.set(peer, n); }
      edges.push({ from: f.node, to: peer, kind: 'bgp', label: `BGP ${s.daemon} ${s.state}`, state: s.state });
    }
  }
  // Tunnels without a fixed remote (Calico VXLAN/IPIP, flannel: peers come from fdb/routes) are drawn between nodes of one VNI/kind.
  const groups = new Map<string, string[]>();
  for (const f of facts) for (const t of f.tunnels.filter((x) => !x.remote)) {
    const key = `${t.kind}${t.vni !== undefined ? ` ${t.vni}` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f.node]);
  }
  for (const [key, members] of groups) {
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) edges.push({ from: members[i]!, to: members[j]!, kind: 'tunnel', label: key });
  }
  for (const pod of cluster.pods) {
    const existing = byId.get(pod.name);
    if (existing) { existing.lines = [...new Set([...pod.addresses, ...existing.lines])]; continue; }
    nodes.push({ id: pod.name, kind: 'pod', lines: [`${pod.namespace}`, ...pod.addresses], parent: pod.node });
    edges.push({ from: pod.node, to: pod.name, kind: 'veth' });
  }
  return { ...plan, nodes, edges, source: `plan + live (nodes, addresses, pods, tunnels, BGP sessions at ${new Date().toISOString()})`, notes: [...plan.notes, ...facts.flatMap((f) => f.notes)] };
}

/** The live picture of a running cluster. */
export async function liveTopology(plan: Topology, cluster: ClusterHandle): Promise<Topology> {
  const facts = await Promise.all(cluster.nodes.map(nodeFacts));
  return withLiveFacts(plan, cluster, facts);
}
