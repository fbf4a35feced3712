import type { ClusterHandle } from '../clusters/types.ts';
import { unansweredIn } from '../clusters/unanswered.ts';
import { unparsedProblems } from '../helpers/probes/unparsed.ts';
import type { Behaviour, Observation, ProbeOptions } from './types.ts';
import { unobserved } from './verdict.ts';

/** Declares a behaviour; the generic keeps probe and expectation in step. */
export function defineBehaviour<T>(behaviour: Behaviour<T>): Behaviour<T> {
  return behaviour;
}

/**
 * The failure of a behaviour check (FAIL): its message lists every problem the expectation found. Its name says
 * "Assertion" so that Allure files it as failed, apart from a harness error ("broken"): allure-js-commons@3.x
 * sdk/utils.js getStatusFromError returns FAILED for an error whose name matches /assert/i, BROKEN otherwise.
 */
export class BehaviourFailed extends Error {
  readonly problems: string[];
  readonly raw: Record<string, string>;
  constructor(id: string, problems: string[], raw: Record<string, string>) {
    super(`${id} does not hold:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BehaviourAssertionError';
    this.problems = problems;
    this.raw = raw;
  }
}

export interface CheckResult<T> {
  observation: Observation<T>;
  problems: string[];
}

/**
 * Probes the cluster and judges the observation; never throws for a failed expectation.
 * The live pods are re-read first (kind/attach): a control or a restart may have replaced them.
 */
export async function checkBehaviour<T>(behaviour: Behaviour<T>, cluster: ClusterHandle, options: ProbeOptions = {}): Promise<CheckResult<T>> {
  await cluster.refresh?.();
  const observation = await behaviour.probe(cluster, options);
  // Output a parser did not understand is a problem of its own (helpers/probes/unparsed.ts).
  return { observation, problems: [...behaviour.expect(observation.value), ...unparsedProblems(observation.raw)] };
}

/**
 * Pause between recovery probes: on the lab the state a check reads is back within milliseconds of the undo (a route,
 * a rule, a sysctl) and a probe costs tens of ms of docker exec; kind/attach probes go through the API server and the
 * CNI's agents reconcile over seconds, so they poll as before.
 */
export const recoveryIntervalMs = (cluster: ClusterHandle): number => (cluster.capabilities?.provider === 'lab' ? 200 : 2_000);

/** A probe that threw, as a problem: one the check could not observe when nothing answered a command (clusters/unanswered.ts). */
export function probeFailure(error: unknown): string[] {
  const unanswered = unansweredIn(error);
  if (unanswered) return [unobserved(`probe: ${unanswered.command} in ${unanswered.where}`, unanswered.said)];
  return [`probe failed: ${error instanceof Error ? error.message : String(error)}`];
}

/**
 * Re-probes until the behaviour holds or `deadlineMs` passes (never waiting before the first probe); returns the last
 * problems, empty once it holds. A probe that throws counts as a problem (agents restarting, pods not back yet).
 */
export async function recovered<T>(behaviour: Behaviour<T>, cluster: ClusterHandle, deadlineMs: number, intervalMs = recoveryIntervalMs(cluster)): Promise<string[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const problems = await checkBehaviour(behaviour, cluster).then((r) => r.problems, probeFailure);
    if (problems.length === 0 || Date.now() >= until) return problems;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, until - Date.now()))));
  }
}

/** Unmet requirements of a behaviour on this cluster, as skip reasons. */
export function unmetRequirements(behaviour: Behaviour<unknown>, cluster: ClusterHandle): string[] {
  return behaviour.requires
    .filter((r) => !r.met(cluster.capabilities))
    .map((r) => `${behaviour.id} requires ${r.name}: ${r.reason(cluster.capabilities)}`);
}
