import type { Profile } from '../clusters/types.ts';
import { behaviour } from '../suites/catalogue.ts';
import { KIND_HOOK_TIMEOUT_MS, KIND_TEST_TIMEOUT_MS } from './kind-test-timeouts.ts';

/**
 * GitHub terminates a job on a GitHub-hosted runner after 6 hours whatever timeout-minutes says ("Job execution time",
 * docs.github.com/actions/learn-github-actions/usage-limits-billing-and-administration; also the default of
 * timeout-minutes in @actions/workflow-parser 0.3.61 dist/workflow-v1.0.min.json).
 */
export const GITHUB_JOB_LIMIT_MINUTES = 360;
/** Before the profile step: checkout, npm ci from the cache, modprobe, the doctor, the toolbox image's download and docker load. */
export const SETUP_MINUTES = 15;
/** After it: two artifact uploads (results, plans without the CNI plugins) and npm run cleanup (kind delete, docker rm). */
export const POST_MINUTES = 10;

/** The tests vitest runs for one behaviour on a profile: its check and one per negative control (suites/run-profile.ts). */
function testMinutes(id: string): number {
  const b = behaviour(id);
  return (1 + b.negativeControls.length) * (b.timeoutMs ?? KIND_TEST_TIMEOUT_MS) / 60_000;
}

/**
 * The longest a kind profile's vitest run can take before vitest itself gives up: the beforeAll that creates its
 * clusters, every test at its own timeout (a test's timeoutMs covers its check and each of its negative controls,
 * run one at a time: maxWorkers 1, one lane on kind), and the afterAll that deletes the clusters, each at vitest's
 * limit for it. Within that bound every hang ends as a failed test or hook, with its result written; only past it
 * would GitHub kill the job and lose run.json.
 */
export function kindRunBoundMinutes(profile: Profile): number {
  const hooks = 2 * KIND_HOOK_TIMEOUT_MS / 60_000;
  return Math.ceil(hooks + profile.behaviours.reduce((sum, id) => sum + testMinutes(id), 0));
}

/** The profile step's and the job's timeout-minutes in the nightly's kind matrix entry. */
export interface JobTimeout {
  /** The profile step (npm run matrix): the run's bound, or what is left of GitHub's limit after setup and post steps. */
  stepMinutes: number;
  /** The job: setup + the step + post, at most GitHub's limit. */
  jobMinutes: number;
}

/**
 * The job outlasts the run's bound plus its setup and post steps, so a hang costs a failed test, never the job. Where
 * that passes GitHub's 6 h limit (the sum counts every test at its full timeout), the step's own timeout-minutes stops
 * the run first: the runner fails the step (actions/runner src/Runner.Worker/StepsRunner.cs@v2.336.0, "has timed out
 * after N minutes") and the always() steps still upload what was written; requested.json, written before vitest
 * starts, says the run did not finish.
 */
export function kindJobTimeout(profile: Profile): JobTimeout {
  const stepMinutes = Math.min(kindRunBoundMinutes(profile), GITHUB_JOB_LIMIT_MINUTES - SETUP_MINUTES - POST_MINUTES);
  return { stepMinutes, jobMinutes: SETUP_MINUTES + stepMinutes + POST_MINUTES };
}
