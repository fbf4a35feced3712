import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { qualifiedName } from '../clusters/profiles/index.ts';
import { assertLabCanRun, nodeVersionProblem } from '../clusters/preflight.ts';
import type { Profile } from '../clusters/types.ts';
import type { RequestedRun } from '../reports/matrix.ts';
import { mergeReport, REQUESTED } from '../reports/merge.ts';
import { outDir, runDir } from '../reports/out-dir.ts';
import { selectProfiles, suiteFile } from '../reports/select-profiles.ts';
import { parseArgs } from './args.ts';
import { runForwardingSignal } from './forward-signal.ts';

const USAGE = `usage: npm run matrix -- [PROFILE|PROVIDER/PROFILE|GLOB ...] [--out DIR]
Runs several profiles and writes one merged report (the same merge the nightly workflow's report job runs):
lab profiles in one vitest run, one per CPU at a time; kind profiles one at a time (they skip with the reason where kind cannot run).
No profile: every profile. Examples: npm run matrix -- 'lab/*'    npm run matrix -- calico-lab 'fund-*' kind/cilium-kpr
Each provider's results go to <out>/runs/<provider>/ (allure-results, junit.xml, run.json); the site to <out>/index.html.`;

/** One vitest run of a provider's selected suite files into its own result folder. */
async function runProvider(provider: Profile['provider'], profiles: Profile[], out: string): Promise<{ dir: string; exitCode: number; seconds: number; stoppedBy?: NodeJS.Signals }> {
  const dir = runDir(provider, out);
  await rm(dir, { recursive: true, force: true });
  const started = performance.now();
  console.log(`matrix: ${provider}: ${profiles.map(qualifiedName).join(', ')}`);
  // The merge gives every asked-for profile a column, also when the run ended before its first result; written before
  // vitest starts, so a job killed mid-run (a timeout) still says what it was asked for and that it did not finish.
  await writeRequested(dir, { provider, profiles: profiles.map(qualifiedName), status: 'did not finish' });
  const { exitCode, signal } = await runForwardingSignal('npx', ['vitest', 'run', '--project', provider, ...profiles.map(suiteFile)], { CNI_CONFORMANCE_OUT: dir });
  await writeRequested(dir, { provider, profiles: profiles.map(qualifiedName), status: 'finished', exitCode });
  return { dir, exitCode, seconds: (performance.now() - started) / 1000, ...(signal ? { stoppedBy: signal } : {}) };
}

/** A provider not started (the run was stopped before it): its profiles still get columns, saying they did not finish. */
async function notStarted(provider: Profile['provider'], profiles: Profile[], out: string, signal: NodeJS.Signals): Promise<{ dir: string; exitCode: number; seconds: number }> {
  const dir = runDir(provider, out);
  await rm(dir, { recursive: true, force: true });
  console.log(`matrix: ${signal}: ${provider} not started (${profiles.map(qualifiedName).join(', ')})`);
  await writeRequested(dir, { provider, profiles: profiles.map(qualifiedName), status: 'did not finish' });
  return { dir, exitCode: 1, seconds: 0 };
}

async function writeRequested(dir: string, requested: RequestedRun): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, REQUESTED), `${JSON.stringify(requested, null, 2)}\n`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { values: ['out'], flags: ['help'] });
  if (args.flags.has('help')) { console.log(USAGE); return 0; }
  const nodeProblem = nodeVersionProblem();
  if (nodeProblem) throw new Error(nodeProblem);
  const profiles = selectProfiles(args.positional);
  const missing = profiles.map(suiteFile).filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`suite files missing: ${missing.join(', ')}`);
  const out = args.values.out ?? outDir();
  const lab = profiles.filter((p) => p.provider === 'lab');
  const kind = profiles.filter((p) => p.provider === 'kind');
  if (lab.length) await assertLabCanRun();
  // Each vitest cleans up on the first signal we get (runForwardingSignal); then what ran is merged, and nothing more starts.
  const started = performance.now();
  const runs = [];
  if (lab.length) runs.push({ provider: 'lab', ...(await runProvider('lab', lab, out)) });
  const stoppedBy = runs.find((r) => r.stoppedBy)?.stoppedBy;
  if (kind.length && stoppedBy) runs.push({ provider: 'kind', ...(await notStarted('kind', kind, out, stoppedBy)) });
  else if (kind.length) runs.push({ provider: 'kind', ...(await runProvider('kind', kind, out)) });
  const merged = await mergeReport({ sources: runs.map((r) => r.dir), out, history: join(out, 'history.jsonl') });
  for (const r of runs) console.log(`matrix: ${r.provider} run ${r.exitCode === 0 ? 'passed' : `failed (exit ${r.exitCode})`} in ${r.seconds.toFixed(0)}s`);
  console.log(`matrix: ${profiles.length} profiles in ${((performance.now() - started) / 1000).toFixed(0)}s`);
  // Last: what to open, or the command that serves the report.
  for (const line of merged.open) console.log(line);
  return runs.every((r) => r.exitCode === 0) ? 0 : 1;
}

main().then((code) => process.exit(code), (error: Error) => {
  console.error(`matrix: ${error.message}\n${USAGE}`);
  process.exit(2);
});
