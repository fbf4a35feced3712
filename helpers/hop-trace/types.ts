/** What a hop is: a device a capture watches, or a decision of a node's kernel (routing, filter chains, encapsulation). */
export type HopKind = 'pod-eth0' | 'host-veth' | 'bridge' | 'route' | 'filter' | 'tunnel' | 'underlay';

/** Where a hop is: a node (a pod's netns on it for pod-eth0), and the device or chain. */
export interface HopPlace {
  node: string;
  kind: HopKind;
  /** The device (eth0, cali..., cni0, vxlan.calico, eth0 of the node). */
  device?: string;
  /** The pod whose netns (pod-eth0) or veth (host-veth) this is. */
  pod?: string;
  /** Filter hops: the built-in chain the packet crosses here (FORWARD after routing, INPUT before decapsulation). */
  chain?: 'FORWARD' | 'INPUT';
}

/** The probe a trace repeats: the protocol that failed, as X-POD-1 names its probes. */
export type TracedProbe = 'burst' | 'fullSize' | 'tcp' | 'udp';

/** One hop of a traced pair, in the order the packet crosses them: the request leg, then the reply leg. */
export interface Hop extends HopPlace {
  leg: 'request' | 'reply';
  /** Capture hops: the netns (a pod's name, or undefined for the node's own) whose device is watched. */
  capture?: { netns?: string; device: string };
  /** Route hops: the forwarding lookup to ask (`ip -4 route get <to> from <from> iif <iif>`) and the device it must give. */
  route?: {
    from: string; to: string; iif: string; expectDev: string;
    /** Routed across nodes with no VXLAN (BGP, static routes, host-gw, IPIP): the next hop must be the target's node. */
    expectVia?: { address: string; node: string };
  };
  /** Tunnel hops of VXLAN: the next hop's fdb entry must send to `expectDst` (the target node's underlay address). */
  encap?: { expectDst: string };
  /** Capture hops a packet leaves by: the device at the other end of the wire, which must answer its neighbour lookups. */
  peer?: HopPlace;
}

/** What the trace saw at one hop. */
export type HopOutcome =
  /** Matching packets a capture saw, and the first one's line(s). */
  | { kind: 'seen'; count: number; sample?: string; neighbourProblem?: string; mtu?: number }
  /** A decision that would not carry the packet on (problem), or what it decided (detail). */
  | { kind: 'decision'; problem?: string; detail: string }
  /** Drop rules and DROP policies whose packet counters grew during the trace, on this hop's node and chain. */
  | { kind: 'drops'; drops: Drop[] };

export interface Drop {
  chain: string;
  /** The rule as iptables-save prints it after `-A CHAIN`, or "policy DROP". */
  rule: string;
  packets: number;
}

export interface ObservedHop extends Hop {
  outcome: HopOutcome;
}

/** Where a traced packet died: the hop named (the one to blame), between the last hop that saw it and the first that did not. */
export interface LossLocation {
  at: HopPlace;
  /** The last capture that saw the packets (undefined: not even the source pod's eth0), and the first that saw fewer. */
  lastSeen?: string;
  firstMissing: string;
  /** The same two captures as places, for a picture to mark the stretch between them. */
  lastSeenAt?: HopPlace;
  firstMissingAt: HopPlace;
  /** One line, e.g. "lost between eth0 on node-b and cali86a12876b92 on node-b: 2 seen, 0 arrived (node-b FORWARD dropped 2: ...)". */
  text: string;
}

/** The trace of one failing pair and probe. */
export interface HopTrace {
  from: string;
  to: string;
  probe: TracedProbe;
  /** Located, or why not (every hop saw the packets: the trace did not reproduce the loss; the trace could not run). */
  location?: LossLocation;
  notLocated?: string;
  hops: ObservedHop[];
}

/**
 * A traced failure as a check hands it on (suites/types.ts Observation.located): the pair and probe, the hop named and
 * the two captures it lies between, or none of them when not located; `text` is the check message's ("not located: ...").
 */
export interface TracedLoss {
  /** "pod-a1 -> pod-b1 TCP". */
  what: string;
  at?: HopPlace;
  lastSeenAt?: HopPlace;
  firstMissingAt?: HopPlace;
  text: string;
}
