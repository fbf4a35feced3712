import type { ProvisionPhase } from '../clusters/types.ts';

/**
 * How long a negative control took to break the datapath and to heal it, measured by the polls that already decide
 * those states: `brokenAfterMs` from the apply's start until it returned (a control's apply returns once its poll saw the
 * broken state in effect), `undoneAfterMs` from the undo's start until it returned (its poll saw the state before it
 * again), `healedAfterMs` from the undo's start until the recovery check's first probe that held ended. Absent when that
 * state was never observed (the recovery check gave up at `deadlineMs`, its convergence deadline).
 */
export interface ControlTimings {
  brokenAfterMs: number;
  undoneAfterMs: number;
  healedAfterMs?: number;
  deadlineMs: number;
}

/** One control's timings with what identifies it across runs: run.json and the matrix read it as data. */
export interface ConvergenceRecord extends ControlTimings {
  behaviour: string;
  /** Qualified profile: `lab/calico-lab`, `kind/cilium-kpr`. */
  profile: string;
  control: string;
  /** Which cluster (lane) of the profile it ran on. */
  cluster: string;
}

/** How long each of a cluster's provisioning phases took (cluster up, CNI ready, routes/BGP converged, ...). */
export interface ProvisioningRecord {
  /** Qualified profile: `lab/calico-lab`, `kind/cilium-kpr`. */
  profile: string;
  cluster: string;
  phases: ProvisionPhase[];
}

/**
 * A task's meta travels to the main process with every task update, suites' included (@vitest/runner@5.1.0
 * dist/chunk-artifact.js updateTask packs [result, meta], "suite-finished" too); reporters read it as TestCase/TestSuite.meta().
 */
declare module 'vitest' {
  /** Data a test (or a profile's suite) hands to the reporters, which write it to run.json (reports/summary-reporter.ts). */
  interface TaskMeta {
    convergence?: ConvergenceRecord;
    provisioning?: ProvisioningRecord[];
  }
}

/** "45 ms", "2.4 s", "60 s": what the Allure step and the matrix cell print. */
export const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`);

/** "broken after 0.8 s, healed after 2.4 s of 60 s", or "..., not healed within 60 s". */
export function describeTimings(t: ControlTimings): string {
  const healed = t.healedAfterMs === undefined ? `not healed within ${seconds(t.deadlineMs)}` : `healed after ${seconds(t.healedAfterMs)} of ${seconds(t.deadlineMs)}`;
  return `broken after ${seconds(t.brokenAfterMs)}, ${healed}`;
}

/** Milliseconds since `from` on the given clock (performance.now by default: monotonic, unlike Date.now). */
export type Clock = () => number;
export const monotonic: Clock = () => performance.now();

/**
 * Runs the recovery check and times it from `undoStartedAt`: healed once the check returns no problems. The check polls
 * with its own deadline (suites/check.ts recovered) and returns right after the probe that held.
 */
export async function timeRecovery(undoStartedAt: number, recover: () => Promise<string[]>, clock: Clock = monotonic): Promise<{ problems: string[]; healedAfterMs?: number }> {
  const problems = await recover();
  return problems.length === 0 ? { problems, healedAfterMs: clock() - undoStartedAt } : { problems };
}
