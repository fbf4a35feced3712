import type { ClusterHandle } from '../clusters/types.ts';
import type { HopPlace } from '../helpers/hop-trace/types.ts';
import type { Breakage } from '../suites/types.ts';

/** The class of datapath fault, as issue 9 groups what escaped the checks. */
export type FaultClass = 'traffic' | 'gateway' | 'mtu' | 'routing' | 'bgp' | 'tunnel' | 'daemon';

/**
 * A datapath fault a CNI bug causes, with its undo. `apply` returns once the broken state is in
 * effect (it polls for it with a deadline and says what it waited for); the Breakage's `undo`
 * returns once the prior state is observed again.
 */
export interface Fault {
  /** Short stable id, e.g. "drop-tcp". */
  id: string;
  /** What breaks, in words, e.g. "TCP dropped in one node's FORWARD chain (ICMP still passes)". */
  title: string;
  class: FaultClass;
  /** Lab profiles (names) this fault applies to. */
  profiles: readonly string[];
  apply(cluster: ClusterHandle): Promise<Breakage>;
  /**
   * Where the fault acts, as the hop tracer names hops (helpers/hop-trace/types.ts), read on the healthy cluster before
   * `apply`: the filter chain a rule is in, the routing decision a route, rule or sysctl changes, the device whose
   * setting changed. Several when the fault acts on several nodes (a stopped daemon's routes go on every node).
   */
  injectedAt(cluster: ClusterHandle): Promise<HopPlace[]>;
}
