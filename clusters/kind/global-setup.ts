import type { TestProject } from 'vitest/node';
import { cleanupOnExit, newRunId } from '../run.ts';
import { kindUnavailable } from './detect.ts';

/**
 * Detects once whether kind can run; the kind suites skip with the detected reason (never a pass).
 * KIND_REQUIRED=1 fails fast instead. Attaching to an existing cluster (CNI_CONFORMANCE_ATTACH) needs no kind.
 */
export default async function setup(project: TestProject): Promise<void> {
  const reason = process.env.CNI_CONFORMANCE_ATTACH ? '' : ((await kindUnavailable()) ?? '');
  if (reason && process.env.KIND_REQUIRED === '1') throw new Error(`failed to start the kind project: ${reason}`);
  if (!reason) {
    process.env.CNI_CONFORMANCE_RUN_ID ??= newRunId();
    process.env.CNI_CONFORMANCE_OWNER_PID = String(process.pid);
    cleanupOnExit(process.env.CNI_CONFORMANCE_RUN_ID, process.env.KEEP === '1');
  }
  project.provide('providerUnavailable', reason);
}
