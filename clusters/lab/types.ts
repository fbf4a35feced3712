import type { NodeHandle, PodHandle, Profile } from '../types.ts';
import type { HopPlan } from './hop-plan.ts';

/** One end of a link: the interface name inside the node, and its address in CIDR form. */
export interface LinkEnd {
  node: string;
  iface: string;
  address?: string;
  mtu?: number;
}

/** A point-to-point veth pair straight between two nodes. */
export interface P2PLink {
  kind: 'p2p';
  a: LinkEnd;
  b: LinkEnd;
}

/** A multi-access segment: a Linux bridge in a switch container, one veth per member. */
export interface SegmentLink {
  kind: 'segment';
  name: string;
  members: LinkEnd[];
}

export type LabLink = P2PLink | SegmentLink;

export interface LabNodeSpec {
  name: string;
  role: NodeHandle['role'];
  /** Node labels, as a Kubernetes node carries them (e.g. route-reflector=true); datapaths and probes read them from the profile. */
  labels?: Record<string, string>;
  /** Files written into the node before its setup runs, e.g. /etc/bird/bird.conf. */
  files?: Record<string, string>;
  /** Shell lines run (set -e) once links are up, before pods are plugged. */
  setup?: string[];
}

export interface LabPodSpec {
  name: string;
  node: string;
  /** The pod's IPv4 address, without prefix (the datapath decides the mask). */
  address: string;
  labels?: Record<string, string>;
}

/** A lab node: a NodeHandle plus the script runner the lab builds with. */
export interface LabNode extends NodeHandle {
  /** Runs shell lines with `sh -ec` and throws, naming the node and the output, on failure. */
  sh(lines: string[]): Promise<string>;
  /** Writes a file inside the node. */
  writeFile(path: string, content: string): Promise<void>;
  /** The container's id, for the wiring helper. */
  containerId: string;
}

/** What a datapath sees while it builds: the nodes and the profile. */
export interface LabView {
  profile: LabProfile;
  node(name: string): LabNode;
  /** The first address of a node's interface, without prefix. */
  address(node: string, iface?: string): string;
}

/** How pods and node-level networking are built, from the kernel primitives a CNI uses. */
export interface Datapath {
  name: string;
  /** Features this datapath shows, reported in the cluster's capabilities (e.g. 'calico-gateway'). */
  features: string[];
  /** The devices between a pod and the wire, for the hop tracer (clusters/lab/hop-plan.ts); none: no pod pairs to trace. */
  hops?: HopPlan;
  /** Node-level state (routes, tunnels, daemons), after links are up and before pods. */
  setupNode?(node: LabNode, lab: LabView): Promise<void>;
  /** Plugs one pod whose netns exists, returning the pod's addresses. */
  plugPod?(pod: LabPodSpec, node: LabNode, lab: LabView): Promise<void>;
  /** Waits until the datapath has converged (routes learnt, sessions up), polling with a deadline. */
  ready?(lab: LabView): Promise<void>;
}

export interface LabProfile extends Profile {
  provider: 'lab';
  nodes: LabNodeSpec[];
  links: LabLink[];
  pods: LabPodSpec[];
  datapath: Datapath;
}

export type { PodHandle };
