import type { ClusterHandle, NodeHandle } from '../clusters/types.ts';
import { parseBridgeFdb } from '../helpers/parsers/bridge-fdb.ts';
import type { Route } from '../helpers/parsers/ip-route.ts';
import { probeAddresses, probeLinks, probeNeighbours, probeRoutes, rawOf, type Probed } from '../helpers/probes/net.ts';
import type { Breakage } from './types.ts';

/**
 * The unicast VXLAN mesh Felix (vxlan.calico) and flanneld (flannel.1) both program, shared by K-VX-1 and L-VX-1:
 * per remote node a route `<subnet> via <remote VTEP> dev <dev> onlink`, a permanent neighbour
 * `<remote VTEP> lladdr <remote MAC>` and a permanent fdb entry `<remote MAC> dst <remote node> self`.
 */
export interface VxlanNodeView {
  node: string;
  address?: string;
  device?: { vni: number; dstport?: number; learning: boolean; mac?: string; up: boolean };
  /** Addresses on the tunnel device: what the other nodes route to. */
  vtepIps: string[];
  /** This node's own pod subnets (Calico blocks, flannel's FLANNEL_SUBNET network). */
  subnets: string[];
  routes: Array<{ dst: string; via?: string; onlink: boolean }>;
  neighbours: Array<{ address: string; lladdr?: string; state?: string }>;
  fdb: Array<{ mac: string; dst?: string; state: string }>;
}

export interface VxlanSpec {
  device: string;
  vni: number;
  dstport: number;
  /** flannel creates its device with nolearning; the check insists when set. */
  nolearning?: boolean;
  /** Where own subnets come from, for the message when none is found. */
  subnetSource: string;
}

/** Probes every node's VXLAN device and state; `subnetsOf` reads the node's own pod subnets. */
export async function probeVxlanMesh(
  cluster: ClusterHandle,
  device: string,
  subnetsOf: (node: NodeHandle, routes: Route[]) => Promise<{ subnets: string[]; raw?: Array<[string, Probed<unknown>]> }>,
): Promise<{ raw: Record<string, string>; value: VxlanNodeView[] }> {
  const raw: Array<[string, Probed<unknown>]> = [];
  const value = await Promise.all(cluster.nodes.map(async (node): Promise<VxlanNodeView> => {
    const [links, addrs, routes, neigh] = await Promise.all([probeLinks(node, device), probeAddresses(node, device), probeRoutes(node), probeNeighbours(node, device)]);
    const fdbRun = await node.exec(['bridge', '-j', 'fdb', 'show', 'dev', device]);
    const fdbText = fdbRun.stdout;
    const own = await subnetsOf(node, routes.value);
    raw.push([node.name, links], [node.name, addrs], [node.name, routes], [node.name, neigh], ...(own.raw ?? []),
      [node.name, { command: `bridge -j fdb show dev ${device}`, raw: fdbText || fdbRun.stderr, value: undefined }]);
    const link = links.value.find((l) => l.name === device);
    const view: VxlanNodeView = {
      node: node.name,
      ...(node.addresses[0] ? { address: node.addresses[0] } : {}),
      vtepIps: addrs.value.map((a) => a.address),
      subnets: own.subnets,
      routes: routes.value.filter((r) => r.dev === device).map((r) => ({ dst: r.dst, ...(r.via ? { via: r.via } : {}), onlink: r.onlink })),
      neighbours: neigh.value.map((n) => ({ address: n.address, ...(n.lladdr ? { lladdr: n.lladdr } : {}), ...(n.state ? { state: n.state } : {}) })),
      fdb: fdbRun.exitCode === 0 ? parseBridgeFdb(fdbText).map((f) => ({ mac: f.mac, ...(f.dst ? { dst: f.dst } : {}), state: f.state })) : [],
    };
    if (link?.vxlan) {
      view.device = {
        vni: link.vxlan.id, learning: link.vxlan.learning, up: link.flags.includes('UP'),
        ...(link.vxlan.dstport !== undefined ? { dstport: link.vxlan.dstport } : {}), ...(link.mac ? { mac: link.mac } : {}),
      };
    }
    return view;
  }));
  return { raw: rawOf(raw), value };
}

export function vxlanMeshProblems(nodes: VxlanNodeView[], spec: VxlanSpec): string[] {
  const problems: string[] = [];
  const dev = spec.device;
  if (nodes.length < 2) problems.push(`need at least 2 nodes for a VXLAN mesh, got ${nodes.length}`);
  for (const n of nodes) {
    const d = n.device;
    if (!d) { problems.push(`node ${n.node}: no VXLAN device ${dev}`); continue; }
    if (d.vni !== spec.vni) problems.push(`node ${n.node}: ${dev} VNI ${d.vni}, expected ${spec.vni}`);
    if (d.dstport !== spec.dstport) problems.push(`node ${n.node}: ${dev} dstport ${d.dstport ?? '(default)'}, expected ${spec.dstport}`);
    if (spec.nolearning && d.learning) problems.push(`node ${n.node}: ${dev} learns source MACs, expected nolearning`);
    if (!d.up) problems.push(`node ${n.node}: ${dev} is down`);
    if (n.subnets.length === 0) problems.push(`node ${n.node}: no own pod subnet (${spec.subnetSource})`);
  }
  for (const n of nodes) {
    for (const r of nodes.filter((x) => x !== n && x.device)) {
      const mac = r.device!.mac;
      for (const subnet of r.subnets) {
        const route = n.routes.find((x) => x.dst === subnet);
        const vtep = route?.via && r.vtepIps.includes(route.via) ? route.via : r.vtepIps[0];
        if (!route || !route.onlink || !route.via || !r.vtepIps.includes(route.via)) {
          problems.push(`node ${n.node}: ${route ? `route "${subnet} via ${route.via ?? '(none)'}${route.onlink ? ' onlink' : ''}"` : `no route to ${subnet}`} on ${dev}, expected ${subnet} via ${vtep ?? `${r.node}'s VTEP`} dev ${dev} onlink (subnet of ${r.node})`);
        }
        if (!vtep) { problems.push(`node ${r.node}: ${dev} has no address, so no VTEP to route to`); continue; }
        const neigh = n.neighbours.find((x) => x.address === vtep);
        if (neigh?.lladdr !== mac || neigh?.state !== 'PERMANENT') {
          problems.push(`node ${n.node}: neighbour ${vtep} on ${dev} is ${neigh ? `lladdr ${neigh.lladdr ?? '(none)'} ${neigh.state ?? ''}`.trim() : 'missing'}, expected lladdr ${mac} PERMANENT (VTEP of ${r.node})`);
        }
        if (!n.fdb.some((f) => f.mac === mac && f.dst === r.address && f.state === 'permanent')) {
          const seen = n.fdb.filter((f) => f.mac === mac).map((f) => `dst ${f.dst ?? '-'} ${f.state}`.trim()).join(', ');
          problems.push(`node ${n.node}: no fdb entry ${mac} dst ${r.address ?? '?'} permanent on ${dev}${seen ? ` (has ${seen})` : ''} (VTEP of ${r.node})`);
        }
      }
    }
  }
  return problems;
}

/** Removes, on the first node, the fdb entry or the neighbour entry of the second node's VTEP. */
export async function breakFirstRemote(cluster: ClusterHandle, view: VxlanNodeView[], dev: string, what: 'fdb' | 'neighbour'): Promise<Breakage> {
  const [n, r] = view;
  const node = n && cluster.node(n.node);
  const mac = r?.device?.mac;
  const vtep = r?.vtepIps[0];
  if (!node || !r || !mac || !vtep || !r.address) throw new Error(`failed to break ${dev}: need two nodes with a ${dev} VTEP (MAC and address)`);
  const [del, add, text] = what === 'fdb'
    ? [['bridge', 'fdb', 'del', mac, 'dev', dev, 'dst', r.address, 'self'], ['bridge', 'fdb', 'append', mac, 'dev', dev, 'dst', r.address, 'self', 'permanent'], `fdb entry ${mac} dst ${r.address}`]
    : [['ip', 'neigh', 'del', vtep, 'dev', dev], ['ip', 'neigh', 'replace', vtep, 'lladdr', mac, 'dev', dev, 'nud', 'permanent'], `neighbour ${vtep} lladdr ${mac}`];
  const run = async (argv: string[]) => {
    const res = await node.exec(argv);
    if (res.exitCode !== 0) throw new Error(`node ${node.name}: "${argv.join(' ')}" failed: ${res.stderr.trim()}`);
  };
  await run(del);
  return { what: `${text} deleted from ${dev} on ${node.name}`, undo: () => run(add) };
}
