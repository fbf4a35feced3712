import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabProfile } from '../clusters/lab/types.ts';
import { assertLabCanRun, nodeVersionProblem } from '../clusters/preflight.ts';
import { getProfile } from '../clusters/profiles/index.ts';
import { labProfiles } from '../clusters/profiles/lab/index.ts';
import { cleanupOnExit, newRunId, reapOrphansSync } from '../clusters/run.ts';
import { faultsFor } from '../mutate/library.ts';
import { renderReport, scoreOf, type ProfileOutcome } from '../mutate/report.ts';
import { mutateProfile } from '../mutate/run.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run mutate -- [--profile NAME[,NAME...]] [--fault ID[,ID...]] [--json FILE]
Builds each lab profile (default: all), checks that its behaviours hold, then applies each datapath fault
of the library alone, records which behaviour checks caught it, undoes it, and prints the fault x behaviour
table, the score per profile and overall, and the faults no check caught.`;

/** Resolves --profile and --fault before anything starts; every problem is reported at once. */
export function selection(values: Record<string, string>): { profiles: LabProfile[]; faults?: string[] } {
  const problems: string[] = [];
  const names = values.profile?.split(',').map((s) => s.trim()).filter(Boolean);
  const profiles = !names?.length || names.includes('all') ? labProfiles : names.flatMap((n) => {
    try {
      const p = getProfile(n.includes('/') ? n : `lab/${n}`);
      return [p as LabProfile];
    } catch (error) {
      problems.push((error as Error).message.replace(/known: .*/, `lab profiles: ${labProfiles.map((l) => l.name).join(', ')}`));
      return [];
    }
  });
  const faults = values.fault?.split(',').map((s) => s.trim()).filter(Boolean);
  if (faults?.length) {
    try {
      faultsFor('', faults);
      if (profiles.length > 0 && profiles.every((p) => faultsFor(p.name, faults).length === 0)) problems.push(`--fault ${faults.join(',')}: applies to none of ${profiles.map((p) => p.name).join(', ')}`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { profiles, ...(faults?.length ? { faults } : {}) };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { values: ['profile', 'fault', 'json'], flags: ['help'] });
  if (args.flags.has('help')) { console.log(USAGE); return 0; }
  const nodeProblem = nodeVersionProblem();
  if (nodeProblem) throw new Error(nodeProblem);
  const { profiles, faults } = selection(args.values);
  await assertLabCanRun();
  reapOrphansSync();
  const runId = process.env.CNI_CONFORMANCE_RUN_ID ?? newRunId();
  process.env.CNI_CONFORMANCE_RUN_ID = runId;
  // Containers go on exit, Ctrl-C and SIGTERM, whatever state the run is in.
  cleanupOnExit(runId);
  const started = performance.now();
  const outcomes: ProfileOutcome[] = [];
  for (const profile of profiles) {
    const log = (line: string) => console.error(`mutate ${line} (${((performance.now() - started) / 1000).toFixed(0)}s)`);
    try {
      outcomes.push(await mutateProfile(profile, { runId, log, ...(faults ? { faults } : {}) }));
    } catch (error) {
      outcomes.push({ profile: profile.name, behaviours: profile.behaviours, skipped: [], baseline: [], faults: [], error: (error as Error).message.split('\n')[0] ?? '' });
    }
  }
  console.log(renderReport(outcomes));
  if (args.values.json) {
    const overall = scoreOf(outcomes.flatMap((p) => p.faults));
    await writeFile(args.values.json, `${JSON.stringify({ runId, overall, profiles: outcomes.map((p) => ({ ...p, score: scoreOf(p.faults) })) }, null, 2)}\n`);
  }
  return outcomes.some((p) => p.error || p.baseline.length > 0) ? 1 : 0;
}

// Run as the entry point (node cli/mutate.ts), not when a test imports selection().
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (error: Error) => {
    console.error(`cni-conformance mutate: ${error.message}\n${USAGE}`);
    process.exit(2);
  });
}
