import type { Capabilities, ClusterHandle } from '../clusters/types.ts';

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
}

/** Pure judgement of an observation: empty list = behaviour holds. */
export type Expectation<T> = (value: T) => string[];

/** Something a negative control does to the datapath, with its undo. */
export interface Breakage {
  /** What was broken, e.g. "proxy_arp=0 on the host veth of pod a1". */
  what: string;
  undo(): Promise<void>;
}

export interface NegativeControl {
  name: string;
  /** Breaks the datapath on a live cluster and returns how to restore it. */
  apply(cluster: ClusterHandle): Promise<Breakage>;
  /** The failure message must match this: it names what differs. */
  expectFailure: RegExp;
}

/** A behaviour from BEHAVIOURS.md as data: id, title, docs link, requirements, probe, expectation. */
export interface Behaviour<T = unknown> {
  id: string;
  title: string;
  docs: string;
  requires: Requirement[];
  probe(cluster: ClusterHandle): Promise<Observation<T>>;
  expect: Expectation<T>;
  negativeControls: NegativeControl[];
}
