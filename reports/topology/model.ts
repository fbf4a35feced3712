/** What a topology picture shows: a plain graph, built from the profile's plan and, where available, the live cluster. */
export interface TopoNode {
  id: string;
  kind: 'node' | 'router' | 'host' | 'switch' | 'pod' | 'network';
  /** Lines under the name: addresses, VTEPs and tunnels. */
  lines: string[];
  /** A pod's node: pods are drawn inside their node's box. */
  parent?: string;
}

export interface TopoEdge {
  from: string;
  to: string;
  kind: 'link' | 'veth' | 'tunnel' | 'bgp';
  /** Text at each end (interface and address) and in the middle (tunnel id, session state). */
  fromLabel?: string;
  toLabel?: string;
  label?: string;
  /** BGP session state, e.g. Established; anything else is drawn as down. */
  state?: string;
}

export interface Topology {
  title: string;
  /** Where the data came from: "plan" alone, or "plan + live" with what was read. */
  source: string;
  nodes: TopoNode[];
  edges: TopoEdge[];
  /** What could not be read live, and why. */
  notes: string[];
}
