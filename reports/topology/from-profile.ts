import { clusterName } from '../../clusters/kind/naming.ts';
import type { KindProfile } from '../../clusters/kind/types.ts';
import type { LabProfile } from '../../clusters/lab/types.ts';
import { qualifiedName } from '../../clusters/profiles/index.ts';
import type { Profile } from '../../clusters/types.ts';
import type { TopoEdge, TopoNode, Topology } from './model.ts';

const end = (iface: string, address?: string) => (address ? `${iface}\n${address}` : iface);

/** The lab's own topology definition: nodes, p2p veths and switch segments with their addresses, pods on their nodes. */
export function labTopology(profile: LabProfile): Topology {
  const nodes: TopoNode[] = profile.nodes.map((n) => ({ id: n.name, kind: n.role === 'router' ? 'router' : n.role === 'host' ? 'host' : 'node', lines: [] }));
  const edges: TopoEdge[] = [];
  for (const link of profile.links) {
    if (link.kind === 'p2p') {
      edges.push({ from: link.a.node, to: link.b.node, kind: 'link', fromLabel: end(link.a.iface, link.a.address), toLabel: end(link.b.iface, link.b.address) });
    } else {
      nodes.push({ id: `segment ${link.name}`, kind: 'switch', lines: [] });
      for (const m of link.members) edges.push({ from: m.node, to: `segment ${link.name}`, kind: 'link', fromLabel: end(m.iface, m.address) });
    }
  }
  for (const pod of profile.pods) {
    nodes.push({ id: pod.name, kind: 'pod', lines: [pod.address], parent: pod.node });
    edges.push({ from: pod.node, to: pod.name, kind: 'veth' });
  }
  return { title: `${qualifiedName(profile)} (${profile.cni})`, source: 'plan', nodes, edges, notes: [] };
}

/**
 * kind's nodes as kind names them: the first of a role `<cluster>-<role>`, the next ones `<cluster>-<role>2`, `3`...
 * (MakeNodeNamer, pkg/cluster/internal/providers/common/namer.go@v0.32.0), all on the `kind` Docker network (fixedNetworkName, pkg/cluster/internal/providers/docker/network.go@v0.32.0).
 */
export function kindTopology(profile: KindProfile, runId = 'RUNID'): Topology {
  const nodes: TopoNode[] = [];
  const edges: TopoEdge[] = [];
  for (const spec of profile.clusters) {
    const cluster = clusterName(runId, spec.suffix);
    const counts: Record<string, number> = {};
    const network = 'docker network kind';
    if (!nodes.some((n) => n.id === network)) nodes.push({ id: network, kind: 'network', lines: [] });
    for (const node of spec.nodes) {
      const n = (counts[node.role] = (counts[node.role] ?? 0) + 1);
      const id = `${cluster}-${node.role}${n > 1 ? n : ''}`;
      const labels = Object.entries(node.labels ?? {}).map(([k, v]) => `${k}=${v}`);
      nodes.push({ id, kind: 'node', lines: [node.role, ...labels] });
      edges.push({ from: id, to: network, kind: 'link', fromLabel: 'eth0' });
    }
    const net = spec.networking;
    nodes.push({ id: `${cluster} pods`, kind: 'pod', lines: [`podSubnet ${net.podSubnet ?? 'kind default'}`, `CNI ${spec.install.cni}`] });
  }
  return { title: `${qualifiedName(profile)} (${profile.cni})`, source: 'plan', nodes, edges, notes: [] };
}

/** The picture of a profile's plan; kind node names carry the run id (`cnc-<run>-<suffix>-worker`). */
export function planTopology(profile: Profile, runId?: string): Topology {
  return profile.provider === 'lab' ? labTopology(profile as LabProfile) : kindTopology(profile as KindProfile, runId);
}
