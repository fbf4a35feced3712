import type { TestProject } from 'vitest/node';
import { cleanupOnExit, markRunSync, newRunId, reapOrphansSync } from '../run.ts';
import { kindEngineName } from '../engine.ts';
import { kindUnavailable } from './detect.ts';
import { kindProfileUnavailable } from './profile-gate.ts';
import { kindProfiles } from '../profiles/kind/index.ts';

/**
 * What the kind project does when kind cannot run: with KIND_REQUIRED=1 the run fails loudly with the reason;
 * otherwise every kind suite skips with it (never a pass), and the reason is printed once.
 * Returns the skip reason ('' when kind can run).
 */
export function kindProjectGate(reason: string | undefined, env: Record<string, string | undefined>, say: (line: string) => void): string {
  if (!reason) return '';
  if (env['KIND_REQUIRED'] === '1') throw new Error(`KIND_REQUIRED=1 but ${reason}`);
  say(`⚠️  every kind suite is skipped: ${reason} (KIND_REQUIRED=1 makes this a failure)`);
  return reason;
}

/**
 * Detects once whether kind can run; the kind suites skip with the detected reason (never a pass).
 * KIND_REQUIRED=1 fails fast instead. Attaching to an existing cluster (CNI_CONFORMANCE_ATTACH) needs no kind.
 */
export default async function setup(project: TestProject): Promise<void> {
  const attached = !!process.env.CNI_CONFORMANCE_ATTACH;
  const reason = attached ? '' : kindProjectGate(await kindUnavailable(), process.env, (line) => process.stderr.write(`${line}\n`));
  if (!reason && !attached) {
    // kind clusters of runs whose process died (kill -9) go first; then this run is marked live for the next reaper.
    const reaped = reapOrphansSync();
    if (reaped > 0) process.stderr.write(`removed ${reaped} container(s) left by earlier runs that died\n`);
    process.env.CNI_CONFORMANCE_RUN_ID ??= newRunId();
    process.env.CNI_CONFORMANCE_OWNER_PID = String(process.pid);
    markRunSync(process.env.CNI_CONFORMANCE_RUN_ID);
    cleanupOnExit(process.env.CNI_CONFORMANCE_RUN_ID, process.env.KEEP === '1');
  } else if (attached) {
    // Attached: nothing is created, so nothing is marked, reaped or cleaned up; run-profile still needs a run id.
    process.env.CNI_CONFORMANCE_RUN_ID ??= newRunId();
  }
  project.provide('providerUnavailable', reason);
  project.provide('profilesUnavailable', reason || attached ? {} : await profileGates((line) => process.stderr.write(`${line}\n`)));
}

/**
 * Each kind profile's own gate (profile-gate.ts: its tools, the addresses its plan fetches, its images), once per run;
 * a profile that cannot run here skips with its reason, and the reasons are printed once, grouped.
 */
export async function profileGates(say: (line: string) => void, profiles = kindProfiles, gate = kindProfileUnavailable): Promise<Record<string, string>> {
  const reasons: Record<string, string> = {};
  for (const profile of profiles) {
    const why = await gate(profile);
    if (why) reasons[profile.name] = why;
  }
  const runnable = profiles.filter((p) => !reasons[p.name]).map((p) => p.name);
  say(`kind on ${kindEngineName()}: ${runnable.length > 0 ? `runs ${runnable.join(', ')}` : 'no profile can run here'}; ${Object.keys(reasons).length} skipped${Object.keys(reasons).length > 0 ? ` (first: ${Object.values(reasons)[0]})` : ''}`);
  return reasons;
}
