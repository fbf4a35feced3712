import { instance, type Attributes, type Graph, type Subgraph } from '@viz-js/viz';
import type { TracedLoss } from '../../helpers/hop-trace/types.ts';
import { lossMarks, type LossMark, type LossMarks } from './loss.ts';
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

/** Where a traced packet was lost: the one colour of marks, caption and legend. */
export const LOSS_COLOR = '#dc2626';
/** The caption's lines wrap at about this many characters. */
const CAPTION_WIDTH = 110;

/** Text for a Graphviz HTML-like label, which expat parses as XML (lib/common/htmllex.c@16.1.0, @viz-js/viz@3.31.0's Graphviz). */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function wrap(line: string, width = CAPTION_WIDTH): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > width / 2 ? cut : width;
    out.push(rest.slice(0, at));
    rest = `    ${rest.slice(at).trimStart()}`;
  }
  return [...out, rest];
}

/** SVG ids of the marks: loss-1-box, loss-1-wire-node-b-pod-b1 (the first of several marks on one element names it). */
const markId = (m: LossMark) => `loss-${m.marker.slice(1) || '1'}`;
const svgId = (s: string) => s.replace(/[^\w-]/g, '_');

/** A box a loss is marked on: outlined, its name and lines as before, then the hop named and its stretch in red. */
function markedBox(n: TopoNode, marks: LossMark[]): Attributes {
  const red = marks.flatMap((m) => [`<B>${esc(`${m.marker} ${m.hop}`)}</B>`, ...(m.between ? [esc(m.between)] : [])]);
  return {
    label: { html: `${[n.id, ...n.lines].map(esc).join('<BR/>')}<BR/><FONT COLOR="${LOSS_COLOR}">${red.join('<BR/>')}</FONT>` },
    color: LOSS_COLOR, penwidth: 3, id: `${markId(marks[0]!)}-box`, class: 'loss',
  };
}

/** A wire a loss is marked on: thick and red, the marker in its middle. */
function markedWire(e: TopoEdge, marks: LossMark[]): Attributes {
  const marker = marks.map((m) => m.marker).join(' ');
  return {
    color: LOSS_COLOR, penwidth: 4, fontcolor: LOSS_COLOR, fontsize: 14, label: e.label ? `${marker} ${e.label}` : marker,
    // The ends keep the look of every other link's (the interface and address).
    labelfontcolor: 'black', labelfontsize: 9,
    id: svgId(`${markId(marks[0]!)}-wire-${e.from}-${e.to}`), class: 'loss',
  };
}

/** The title, source and notes; with traced failures, a red line naming each and the legend of the marks. */
function graphLabel(t: Topology, loss?: LossMarks): Attributes['label'] {
  const plain = `${t.title}\n${t.source}${t.notes.length ? `\n${t.notes.join('\n')}` : ''}`;
  if (!loss) return plain;
  const row = (html: string) => `<TR><TD ALIGN="LEFT" BALIGN="LEFT">${html}</TD></TR>`;
  const rows = [
    ...plain.split('\n').map((l) => `<TR><TD>${esc(l)}</TD></TR>`),
    // A located failure's line in red like its mark; one not located (no mark) in black.
    ...loss.caption.map((c) => row(c.startsWith('✖') ? `<FONT COLOR="${LOSS_COLOR}">${wrap(c).map(esc).join('<BR/>')}</FONT>` : wrap(c).map(esc).join('<BR/>'))),
    ...(loss.marks.length
      ? [row(`<FONT COLOR="${LOSS_COLOR}"><B>✖</B></FONT> legend: red ✖, red outline, red wire: where the trace lost the packets (the hop it names, between the last capture that saw them and the first that did not)`)]
      : []),
  ];
  return { html: `<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="0">${rows.join('')}</TABLE>` };
}

/**
 * The topology as a Graphviz graph (layout by Graphviz's dot, no hand-placed coordinates). With a test's traced
 * failures (`located`), each hop named is marked (loss.ts) and the caption says where, or why it was not located.
 */
export function topologyGraph(t: Topology, located?: TracedLoss[]): Graph {
  const loss = located?.length ? lossMarks(t, located) : undefined;
  const boxMarks = (id: string) => loss?.marks.filter((m) => m.box === id) ?? [];
  const attributesOf = (n: TopoNode): Attributes => {
    const marks = boxMarks(n.id);
    return { ...SHAPE[n.kind], label: label(n), ...(marks.length ? markedBox(n, marks) : {}) };
  };
  const top = t.nodes.filter((n) => !n.parent || !t.nodes.some((p) => p.id === n.parent));
  const clusters: Subgraph[] = t.nodes.filter((n) => t.nodes.some((c) => c.parent === n.id)).map((host) => ({
    name: `cluster_${host.id}`,
    graphAttributes: { style: 'rounded', color: '#93c5fd', label: ' ' },
    nodes: [host, ...t.nodes.filter((c) => c.parent === host.id)].map((n) => ({ name: n.id, attributes: attributesOf(n) })),
  }));
  const inCluster = new Set(clusters.flatMap((c) => (c.nodes ?? []).map((n) => n.name)));
  return {
    directed: false,
    graphAttributes: {
      label: graphLabel(t, loss), labelloc: 't', fontname: 'Helvetica', fontsize: 12, rankdir: 'TB', nodesep: 0.6,
    },
    nodeAttributes: { fontname: 'Helvetica', fontsize: 11 },
    edgeAttributes: { fontname: 'Helvetica', fontsize: 9 },
    nodes: top.filter((n) => !inCluster.has(n.id)).map((n) => ({ name: n.id, attributes: attributesOf(n) })),
    subgraphs: clusters,
    edges: t.edges.map((e, i) => {
      const marks = loss?.marks.filter((m) => m.edges.includes(i)) ?? [];
      return {
        tail: e.from,
        head: e.to,
        attributes: {
          ...EDGE[e.kind],
          ...(e.kind === 'bgp' && e.state !== 'Established' ? { color: '#dc2626' } : {}),
          ...(e.label ? { label: e.label } : {}),
          ...(e.fromLabel ? { taillabel: e.fromLabel } : {}),
          ...(e.toLabel ? { headlabel: e.toLabel } : {}),
          ...(marks.length ? markedWire(e, marks) : {}),
        },
      };
    }),
  };
}

let viz: ReturnType<typeof instance> | undefined;

/**
 * Renders the topology to SVG with Graphviz compiled to wasm (@viz-js/viz), with a test's traced failures marked when
 * given; Graphviz errors are thrown, not drawn.
 */
export async function topologySvg(t: Topology, located?: TracedLoss[]): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(topologyGraph(t, located), { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') throw new Error(`graphviz: failed to draw ${t.title}: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
