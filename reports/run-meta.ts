import { hostname, release } from 'node:os';
import { join } from 'node:path';
import { readJsonFile } from './json-file.ts';
import type { TracedLoss } from '../helpers/hop-trace/types.ts';
import type { ConvergenceRecord, ProvisioningRecord } from '../suites/convergence.ts';

/** `run.json` beside a run's allure-results: what the matrix header and skip reasons need from that run. */
export interface RunMeta {
  startedAt: string;
  finishedAt?: string;
  /** The kernel every lab node and kind node of the run shares (containers share the host kernel). */
  kernel: string;
  host: string;
  /** GitHub's run URL when the run was a workflow job. */
  ci?: string;
  /** Notes of skipped tests keyed as Allure's fullName ends (`suites/lab/x.lab.test.ts#suite test`): allure-vitest drops them. */
  skipNotes: Record<string, string>;
  /** Each negative control's break and heal times (suites/convergence.ts), as the tests measured them. */
  convergence?: ConvergenceRecord[];
  /** Each cluster's provisioning phases and their durations. */
  provisioning?: ProvisioningRecord[];
  /** Failed tests whose lost traffic was traced (helpers/hop-trace): the test, keyed as skipNotes are, and where each traced pair lost it. */
  located?: Array<{ test: string; located: TracedLoss[] }>;
}

export const RUN_META = 'run.json';

export function currentRunMeta(startedAt: Date): RunMeta {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  return { startedAt: startedAt.toISOString(), kernel: release(), host: hostname(), ...(server && repo && run ? { ci: `${server}/${repo}/actions/runs/${run}` } : {}), skipNotes: {} };
}

/** The run.json of a result folder, or undefined when the folder has none (results from elsewhere). */
export function readRunMeta(dir: string): Promise<RunMeta | undefined> {
  return readJsonFile<RunMeta>(join(dir, RUN_META));
}
