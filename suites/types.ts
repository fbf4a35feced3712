import type { Capabilities, ClusterHandle } from '../clusters/types.ts';
import type { TracedLoss } from '../helpers/hop-trace/types.ts';

/** A requirement on the live cluster; unmet means skip with `reason`, never a pass. */
export interface Requirement {
  name: string;
  met(capabilities: Capabilities): boolean;
  /** Why it is unmet, in words a user can act on. */
  reason(capabilities: Capabilities): string;
}

/** Raw text a probe collected (attached to the report) plus what was parsed from it. */
export interface Observation<T> {
  raw: Record<string, string>;
  value: T;
  /** Results of a tool's own tests (e.g. cilium connectivity test's JUnit), imported into the report as steps. */
  subtests?: Array<{ name: string; status: 'passed' | 'failed' | 'skipped'; message?: string }>;
  /** Failing traffic traced hop by hop (helpers/hop-trace): what was traced, and the hop named, or why none was. */
  located?: TracedLoss[];
}

declare module 'vitest' {
  /** A check's traced failures, handed from the test to its hooks (reports/topology/attach.ts marks them on the picture). */
  interface TaskMeta {
    located?: TracedLoss[];
  }
}

/** Pure judgement of an observation: empty list = behaviour holds. */
export type Expectation<T> = (value: T) => string[];

/**
 * Something a negative control does to the datapath, with its undo. On a live cluster `apply` returns once the
 * broken state is in effect and `undo` once the state before it is observed again: each polls with a deadline
 * (helpers/probes/poll.ts) and names what it waited for.
 */
export interface Breakage {
  /** What was broken, e.g. "proxy_arp=0 on the host veth of pod a1". */
  what: string;
  undo(): Promise<void>;
}

/**
 * Who owns what a negative control breaks: the daemon or controller that would put it back, and why it cannot within
 * the check's window. A control whose owner repairs on a timer must shadow what it breaks (add state the owner's repair
 * meets and cannot undo, e.g. a blackhole BIRD's route add meets with EEXIST), never remove or change the owned state.
 */
export interface ControlOwner {
  /** The daemon or controller owning the broken state, e.g. "BIRD (calico-node)", "felix (calico-node)", "nobody". */
  owner: string;
  /** When the owner puts its state back: never, only on an event the control does not cause, or on a timer. */
  reverts: 'never' | 'on-event' | 'periodically';
  /** For 'periodically': its period in seconds. */
  everySeconds?: number;
  /** What the breakage does to the owned state: removes it, changes it, shadows it, or adds state nobody owns. */
  breakage: 'removes' | 'changes' | 'shadows' | 'adds';
  /** Why the owner cannot revert it within the check's window, naming the upstream file@tag it rests on. */
  why: string;
  /** What of `why` was not read at the pinned version (a claim that rests on no real run), if anything. */
  unverified?: string;
  /** A periodic owner racing a removal or change on purpose: why the race is acceptable. */
  raceAccepted?: string;
}

/** `T` is the behaviour's observation; the default (never) is a control without a probe of its own, which fits any behaviour. */
export interface NegativeControl<T = never> {
  name: string;
  /** Who owns what it breaks (required of every control of a kind profile, suites/control-owners.test.ts). */
  owner?: ControlOwner;
  /** Breaks the datapath on a live cluster and returns how to restore it. */
  apply(cluster: ClusterHandle): Promise<Breakage>;
  /** The failure message must match this: it names what differs. */
  expectFailure: RegExp;
  /**
   * The probe to run while broken and for the recovery check, when narrower than the behaviour's
   * (e.g. a `--test` subset of cilium connectivity test); the behaviour's own probe otherwise.
   */
  probe?(cluster: ClusterHandle): Promise<Observation<T>>;
}

/**
 * What a behaviour needs of the cluster's test workloads (clusters/kind/workloads.ts), checked against every
 * kind profile's rendered plan in clusters/kind/needs.test.ts. Probe pods are the `app=probe` pods of namespace
 * cni-conformance, answering TCP 8080 and UDP 8081.
 */
export type WorkloadNeed =
  /** Some node runs at least `count` probe pods (same-node pairs). */
  | { kind: 'pods-on-one-node'; count: number }
  /** Probe pods run on at least `count` distinct nodes (cross-node pairs). */
  | { kind: 'pods-on-nodes'; count: number }
  /** A Service `name` of `type` in cni-conformance selecting the pods labelled app=`app` (and this nodePort). */
  | { kind: 'service'; name: string; type: 'ClusterIP' | 'NodePort'; app: string; nodePort?: number }
  /** Some node runs no pod labelled app=`app`: a NodePort request there is forwarded to another node. */
  | { kind: 'node-without-backend'; app: string }
  /** rebel-base (a global Service) and x-wing in each of two clusters. */
  | { kind: 'rebel-base-x-wing-in-two-clusters' }
  /** A Calico pod asking for a fixed address (cni.projectcalico.org/ipAddrs), in namespace cni-conformance. */
  | { kind: 'fixed-ip-pod' }
  /** Pods started in namespace conformance-pool after the IPPool migration. */
  | { kind: 'pool-migration-pods' };

/** How a probe runs: what a person reads gets evidence that costs time; a poll only needs the verdict. */
export interface ProbeOptions {
  /** Trace where a failing probe's packets died (seconds per failing pair, helpers/hop-trace); unset in polls. */
  locate?: boolean;
  /** How many failing pairs to trace at most (default: the check's own bound, X-POD-1's MAX_TRACES). */
  maxTraces?: number;
}

/** A behaviour from BEHAVIOURS.md as data: id, title, docs link, requirements, probe, expectation. */
export interface Behaviour<T = unknown> {
  id: string;
  title: string;
  docs: string;
  requires: Requirement[];
  probe(cluster: ClusterHandle, options?: ProbeOptions): Promise<Observation<T>>;
  expect: Expectation<T>;
  negativeControls: NegativeControl<T>[];
  /** What the behaviour needs of the test workloads; required for every behaviour a kind profile runs. */
  needs?: WorkloadNeed[];
  /** Test timeout of the check and of each negative control, when longer than the project's testTimeout. */
  timeoutMs?: number;
  /** How long the recovery check after a negative control's undo may poll until the behaviour holds again (default 60 s). */
  convergenceMs?: number;
}
