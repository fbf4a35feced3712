import { labProvider } from '../clusters/lab/provider.ts';
import type { LabProfile } from '../clusters/lab/types.ts';
import type { ClusterHandle } from '../clusters/types.ts';
import { pollUntilDone } from '../helpers/probes/poll.ts';
import { behaviour } from '../suites/catalogue.ts';
import { checkBehaviour, probeFailure, unmetRequirements } from '../suites/check.ts';
import type { Behaviour } from '../suites/types.ts';
import { isUnobserved } from '../suites/verdict.ts';
import type { Observation } from '../suites/types.ts';
import { faultsFor } from './library.ts';
import { judgeLocated, type FaultOutcome, type ProfileOutcome } from './report.ts';

export interface MutateOptions {
  runId: string;
  log: (line: string) => void;
  /** Only these fault ids (default: every fault of the profile). */
  faults?: readonly string[];
  /** How long the checks may take to hold again after an undo (daemons reconverging). */
  recoveryDeadlineMs?: number;
}

/**
 * Each behaviour's observed problems on the cluster now; a probe that throws counts as its problem. What a check could
 * not observe (INCONCLUSIVE, suites/verdict.ts) neither catches a fault nor spoils the healthy baseline: it is logged.
 */
type Located = NonNullable<Observation<unknown>['located']>;

async function problemsOf(behaviours: Behaviour<unknown>[], cluster: ClusterHandle, log?: (line: string) => void, located?: Record<string, Located>): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const b of behaviours) {
    try {
      // Hops are traced only where they are kept (the second, confirming pass), not in the first pass or the polls.
      const { problems: all, observation } = await checkBehaviour(b, cluster, { locate: located !== undefined });
      if (located && observation.located?.length) located[b.id] = observation.located;
      for (const p of all.filter(isUnobserved)) log?.(`[${cluster.name}] ${b.id}: ${p}`);
      const problems = all.filter((p) => !isUnobserved(p));
      if (problems.length > 0) result[b.id] = problems;
    } catch (error) {
      // A command nothing answered is not observed either: logged, never a catch (suites/check.ts probeFailure).
      const [problem = ''] = probeFailure(error);
      if (isUnobserved(problem)) log?.(`[${cluster.name}] ${b.id}: ${problem}`);
      else result[b.id] = [problem.split('\n')[0]!];
    }
  }
  return result;
}

const flatten = (problems: Record<string, string[]>) => Object.entries(problems).flatMap(([id, list]) => list.map((p) => `${id}: ${p}`));

/**
 * Builds the profile's lab once, proves every behaviour holds on the healthy cluster, then applies
 * each fault alone, records which checks caught it, undoes it and waits until every check holds again.
 * The cluster is removed at the end, whatever happened.
 */
export async function mutateProfile(profile: LabProfile, o: MutateOptions): Promise<ProfileOutcome> {
  const outcome: ProfileOutcome = { profile: profile.name, behaviours: [...profile.behaviours], skipped: [], baseline: [], faults: [] };
  const faults = faultsFor(profile.name, o.faults);
  const cluster = await labProvider.create(profile, { runId: o.runId, log: o.log });
  try {
    const all = profile.behaviours.map((id) => behaviour(id));
    outcome.skipped = all.flatMap((b) => unmetRequirements(b, cluster));
    const active = all.filter((b) => unmetRequirements(b, cluster).length === 0);
    outcome.baseline = flatten(await problemsOf(active, cluster, o.log));
    if (outcome.baseline.length > 0) return outcome;
    o.log(`[${profile.name}] healthy: ${active.map((b) => b.id).join(', ')} hold; ${faults.length} faults to apply`);
    for (const fault of faults) {
      const result: FaultOutcome = { fault: fault.id, title: fault.title, result: 'missed', caughtBy: [], detail: {} };
      outcome.faults.push(result);
      try {
        result.injectedAt = await fault.injectedAt(cluster);
      } catch (error) {
        o.log(`[${profile.name}] ${fault.id}: injection point not read: ${(error as Error).message.split('\n')[0]}`);
      }
      let breakage;
      try {
        breakage = await fault.apply(cluster);
      } catch (error) {
        Object.assign(result, { result: 'not-applied', error: (error as Error).message });
        o.log(`[${profile.name}] ${fault.id}: not applied: ${(error as Error).message.split('\n')[0]}`);
        continue;
      }
      try {
        await cluster.settle?.();
        // A check counts as catching the fault only when it fails twice in a row: a flaky probe is not a catch.
        const first = await problemsOf(active, cluster, o.log);
        const located: Record<string, Located> = {};
        result.detail = await problemsOf(active.filter((b) => first[b.id]), cluster, o.log, located);
        result.caughtBy = Object.keys(result.detail);
        result.located = judgeLocated(Object.entries(located).filter(([id]) => result.caughtBy.includes(id)).flatMap(([, l]) => l), result.injectedAt);
        result.result = result.caughtBy.length > 0 ? 'caught' : 'missed';
      } finally {
        try {
          await breakage.undo();
          await pollUntilDone(`${profile.name}: every check holding again after undoing ${fault.id}`, async () => flatten(await problemsOf(active, cluster)), o.recoveryDeadlineMs ?? 60_000, 500);
        } catch (error) {
          Object.assign(result, { result: 'not-recovered', error: (error as Error).message });
        }
      }
      const hops = result.located?.length ? `; named hop ${result.located.filter((l) => l.right).length}/${result.located.length} at the injection point` : '';
      o.log(`[${profile.name}] ${fault.id}: ${result.result}${result.caughtBy.length ? ` by ${result.caughtBy.join(', ')}` : ''}${hops}`);
      // A cluster that did not come back cannot measure the next fault.
      if ((result.result as FaultOutcome['result']) === 'not-recovered') { outcome.error = `stopped after ${fault.id}: ${result.error?.split('\n')[0]}`; break; }
    }
    return outcome;
  } finally {
    await cluster.destroy();
  }
}
