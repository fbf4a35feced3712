import type { TestProject } from 'vitest/node';
import { assertLabCanRun } from '../preflight.ts';
import { cleanupOnExit, newRunId, reapOrphansSync } from '../run.ts';
import { ensureLabImage } from './image.ts';

/**
 * Once per `lab` project run, in vitest's main process: fail fast on a missing Docker engine or old Node,
 * build or reuse the lab image, reap what dead runs left, and own this run's cleanup (exit, Ctrl-C, SIGTERM).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  await assertLabCanRun();
  const reaped = reapOrphansSync();
  if (reaped > 0) process.stderr.write(`lab: removed ${reaped} containers left by runs whose process is gone\n`);
  const image = await ensureLabImage((line) => process.stderr.write(`lab: ${line}\n`));
  if (image.how !== 'reused') process.stderr.write(`lab: image ${image.tag} built (${image.how}) in ${image.seconds}s\n`);
  const runId = process.env.CNI_CONFORMANCE_RUN_ID ?? newRunId();
  process.env.CNI_CONFORMANCE_RUN_ID = runId;
  process.env.CNI_CONFORMANCE_OWNER_PID = String(process.pid);
  project.provide('providerUnavailable', '');
  // At the end every profile file has destroyed its clusters: one listing makes sure (KEEP=1: kept, and said so).
  return cleanupOnExit(runId, process.env.KEEP === '1');
}
