import { instance, type Attributes, type Graph, type Subgraph } from '@viz-js/viz';
import type { TopoEdge, TopoNode, Topology } from './model.ts';

const SHAPE: Record<TopoNode['kind'], Attributes> = {
  node: { shape: 'box', style: 'rounded,filled', fillcolor: '#dbeafe' },
  router: { shape: 'box', style: 'rounded,filled', fillcolor: '#fde68a' },
  host: { shape: 'box', style: 'filled', fillcolor: '#e5e7eb' },
  switch: { shape: 'box', style: 'filled', fillcolor: '#f3e8ff' },
  network: { shape: 'box', style: 'filled,dashed', fillcolor: '#f3f4f6' },
  pod: { shape: 'ellipse', style: 'filled', fillcolor: '#dcfce7', fontsize: 10 },
};

const EDGE: Record<TopoEdge['kind'], Attributes> = {
  link: { color: '#374151', penwidth: 2 },
  veth: { color: '#16a34a', arrowhead: 'none' },
  tunnel: { color: '#2563eb', style: 'dashed', constraint: false },
  bgp: { color: '#16a34a', style: 'dotted', penwidth: 2, constraint: false },
};

const label = (n: TopoNode) => [n.id, ...n.lines].join('\n');

/** The topology as a Graphviz graph (layout by Graphviz's dot, no hand-placed coordinates). */
export function topologyGraph(t: Topology): Graph {
  const top = t.nodes.filter((n) => !n.parent || !t.nodes.some((p) => p.id === n.parent));
  const clusters: Subgraph[] = t.nodes.filter((n) => t.nodes.some((c) => c.parent === n.id)).map((host) => ({
    name: `cluster_${host.id}`,
    graphAttributes: { style: 'rounded', color: '#93c5fd', label: ' ' },
    nodes: [host, ...t.nodes.filter((c) => c.parent === host.id)].map((n) => ({ name: n.id, attributes: { ...SHAPE[n.kind], label: label(n) } })),
  }));
  const inCluster = new Set(clusters.flatMap((c) => (c.nodes ?? []).map((n) => n.name)));
  return {
    directed: false,
    graphAttributes: {
      label: `${t.title}\n${t.source}${t.notes.length ? `\n${t.notes.join('\n')}` : ''}`, labelloc: 't', fontname: 'Helvetica', fontsize: 12, rankdir: 'TB', nodesep: 0.6,
    },
    nodeAttributes: { fontname: 'Helvetica', fontsize: 11 },
    edgeAttributes: { fontname: 'Helvetica', fontsize: 9 },
    nodes: top.filter((n) => !inCluster.has(n.id)).map((n) => ({ name: n.id, attributes: { ...SHAPE[n.kind], label: label(n) } })),
    subgraphs: clusters,
    edges: t.edges.map((e) => ({
      tail: e.from,
      head: e.to,
      attributes: {
        ...EDGE[e.kind],
        ...(e.kind === 'bgp' && e.state !== 'Established' ? { color: '#dc2626' } : {}),
        ...(e.label ? { label: e.label } : {}),
        ...(e.fromLabel ? { taillabel: e.fromLabel } : {}),
        ...(e.toLabel ? { headlabel: e.toLabel } : {}),
      },
    })),
  };
}

let viz: ReturnType<typeof instance> | undefined;

/** Renders the topology to SVG with Graphviz compiled to wasm (@viz-js/viz); Graphviz errors are thrown, not drawn. */
export async function topologySvg(t: Topology): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(topologyGraph(t), { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') throw new Error(`graphviz: failed to draw ${t.title}: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
