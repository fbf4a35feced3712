import type { TestProject } from 'vitest/node';
import { cleanupOnExit, markRunSync, newRunId, reapOrphansSync } from '../run.ts';
import { kindUnavailable } from './detect.ts';

/**
 * Detects once whether kind can run; the kind suites skip with the detected reason (never a pass).
 * KIND_REQUIRED=1 fails fast instead. Attaching to an existing cluster (CNI_CONFORMANCE_ATTACH) needs no kind.
 */
export default async function setup(project: TestProject): Promise<void> {
  const reason = process.env.CNI_CONFORMANCE_ATTACH ? '' : ((await kindUnavailable()) ?? '');
  if (reason && process.env.KIND_REQUIRED === '1') throw new Error(`failed to start the kind project: ${reason}`);
  if (!reason && !process.env.CNI_CONFORMANCE_ATTACH) {
    // kind clusters of runs whose process died (kill -9) go first; then this run is marked live for the next reaper.
    const reaped = reapOrphansSync();
    if (reaped > 0) process.stderr.write(`removed ${reaped} container(s) left by earlier runs that died\n`);
    process.env.CNI_CONFORMANCE_RUN_ID ??= newRunId();
    process.env.CNI_CONFORMANCE_OWNER_PID = String(process.pid);
    markRunSync(process.env.CNI_CONFORMANCE_RUN_ID);
    cleanupOnExit(process.env.CNI_CONFORMANCE_RUN_ID, process.env.KEEP === '1');
  } else if (!reason) {
    // Attached: nothing is created, so nothing is marked, reaped or cleaned up; run-profile still needs a run id.
    process.env.CNI_CONFORMANCE_RUN_ID ??= newRunId();
  }
  project.provide('providerUnavailable', reason);
}
