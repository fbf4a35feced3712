import { hopLabel } from '../../helpers/hop-trace/path.ts';
import type { HopPlace, TracedLoss } from '../../helpers/hop-trace/types.ts';
import type { TopoEdge, Topology } from './model.ts';

/** Where one traced failure's packets were lost, as elements of the picture: the box the hop is in and the wires it names. */
export interface LossMark {
  /** The marker's text: "✖", or "✖1", "✖2" when a test traced several failures. */
  marker: string;
  /** The box outlined: the hop's node (the pod for a pod's eth0); the hop in words goes in it. */
  box: string;
  /** hopLabel of the hop named, e.g. "node-b's FORWARD chain", "cali86a12876b92 on node-b". */
  hop: string;
  /** The stretch it lies on: "seen on eth0 on node-b, not on cali86a12876b92 on node-b"; none when both are one device. */
  between?: string;
  /** Indices into the topology's edges: the pod's veth, or the link between the last node that saw the packets and this one. */
  edges: number[];
}

export interface LossMarks {
  marks: LossMark[];
  /** One line per traced failure, the check message's words: "✖ pod-a1 -> pod-b1 TCP: lost between ...", or "... not located: why". */
  caption: string[];
}

const joins = (e: TopoEdge, a: string, b: string) => (e.from === a && e.to === b) || (e.from === b && e.to === a);
/** The interface at a link's end on `node`: the first line of its end label ("eth0\n172.30.0.11/24"). */
const endOn = (e: TopoEdge, node: string) => (e.from === node ? e.fromLabel : e.to === node ? e.toLabel : undefined)?.split('\n')[0];

/**
 * The wires a hop names on this picture. A pod's eth0 and its host veth: the veth between the pod and its node. The
 * underlay: when the node before saw the packets, the link from it (both ends of a switch segment); else the node's
 * link whose end is that device. A tunnel device between two nodes: the tunnel drawn between them. Routing decisions,
 * filter chains, bridges and a tunnel's encapsulation are inside the node: no wire, the box alone.
 */
function wiresOf(t: Topology, at: HopPlace, lastSeenAt?: HopPlace): number[] {
  const find = (ok: (e: TopoEdge) => boolean) => t.edges.flatMap((e, i) => (ok(e) ? [i] : []));
  if ((at.kind === 'pod-eth0' || at.kind === 'host-veth') && at.pod) return find((e) => e.kind === 'veth' && joins(e, at.node, at.pod!));
  const from = lastSeenAt && lastSeenAt.node !== at.node ? lastSeenAt.node : undefined;
  if (at.kind === 'tunnel') return from ? find((e) => e.kind === 'tunnel' && joins(e, from, at.node)).slice(0, 1) : [];
  if (at.kind !== 'underlay') return [];
  if (from) {
    const direct = find((e) => e.kind === 'link' && joins(e, from, at.node));
    if (direct.length) return direct.slice(0, 1);
    const segment = t.edges.find((e) => e.kind === 'link' && e.from === at.node && endOn(e, at.node) === at.device)?.to;
    const both = segment ? find((e) => e.kind === 'link' && e.to === segment && (e.from === at.node || e.from === from)) : [];
    if (both.length === 2) return both;
  }
  const own = find((e) => e.kind === 'link' && endOn(e, at.node) === at.device);
  return own.length === 1 ? own : [];
}

function betweenOf(l: TracedLoss): { between?: string } {
  if (!l.firstMissingAt) return {};
  const [seen, missing] = [l.lastSeenAt && hopLabel(l.lastSeenAt), hopLabel(l.firstMissingAt)];
  if (seen === missing) return {};
  return { between: seen ? `seen on ${seen}, not on ${missing}` : `not seen on ${missing}` };
}

/**
 * The marks of a test's traced failures on its topology picture, and the caption naming each. A failure the trace did
 * not locate gets no mark, only its caption line ("not located: " and the cause), and neither does a hop whose node
 * is not on the picture: a mark is only ever where the trace named.
 */
export function lossMarks(t: Topology, located: TracedLoss[]): LossMarks {
  const drawn = new Set(t.nodes.map((n) => n.id));
  const marks: LossMark[] = [];
  const caption = located.map((l, i) => {
    const line = `${l.what}: ${l.text}`;
    if (!l.at) return line;
    const box = l.at.kind === 'pod-eth0' && l.at.pod ? l.at.pod : l.at.node;
    if (!drawn.has(box)) return `${line} (not marked: ${box} is not on this picture)`;
    const marker = located.length > 1 ? `✖${i + 1}` : '✖';
    marks.push({ marker, box, hop: hopLabel(l.at), ...betweenOf(l), edges: wiresOf(t, l.at, l.lastSeenAt) });
    return `${marker} ${line}`;
  });
  return { marks, caption };
}
