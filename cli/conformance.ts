import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DEFAULT_PROFILE, getProfile } from '../clusters/profiles/index.ts';
import { parseTemplate } from '../clusters/attach/node-exec.ts';
import { assertLabCanRun, nodeVersionProblem } from '../clusters/preflight.ts';
import { behaviour, catalogue } from '../suites/catalogue.ts';
import { ALLOW_DISRUPTIVE_ENV, ALLOW_DISRUPTIVE_FLAG, attachNotice, controlListing } from '../suites/disruption.ts';
import { parseArgs } from './args.ts';
import { runForwardingSignal } from './forward-signal.ts';
import { kindPreflight } from './kind-preflight.ts';

const USAGE = `usage: npm run conformance -- [--profile NAME|PROVIDER/NAME] [--behaviour ID[,ID...]] [--keep] [--no-report]
                               [--attach CONTEXT [--node-exec 'ssh {node} --'] [--allow-disruptive]]
Runs one profile's behaviour suites and writes the HTML report and the CNI x behaviour matrix under reports/out/.
--attach runs a kind profile's suites against an existing cluster (kubeconfig context); nothing is created or deleted,
and only non-disruptive checks run: the negative controls (which break the datapath, then undo) are skipped.
--allow-disruptive runs them on the attached cluster too; they are listed before anything runs.`;

/** The main job: check inputs before anything starts, run the profile's suite, build the report. */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { values: ['profile', 'behaviour', 'attach', 'node-exec'], flags: ['keep', 'no-report', 'help', ALLOW_DISRUPTIVE_FLAG] });
  if (args.flags.has('help')) { console.log(USAGE); return 0; }
  const nodeProblem = nodeVersionProblem();
  if (nodeProblem) throw new Error(nodeProblem);
  const profile = getProfile(args.values.profile ?? DEFAULT_PROFILE);
  const behaviours = args.values.behaviour?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const unknown = behaviours.filter((b) => !profile.behaviours.includes(b));
  if (unknown.length > 0) {
    throw new Error(`behaviour ${unknown.join(', ')}: not part of profile "${profile.name}"; it proves ${profile.behaviours.join(', ')}${
      unknown.some((u) => !catalogue.has(u)) ? ` (known ids: ${[...catalogue.keys()].join(', ')})` : ''}`);
  }
  const attach = args.values.attach;
  if (attach && profile.provider !== 'kind') throw new Error(`--attach ${attach}: attach runs kind profiles' suites; "${profile.name}" is a ${profile.provider} profile`);
  if (args.values['node-exec'] && !attach) throw new Error('--node-exec goes with --attach');
  if (args.values['node-exec']) parseTemplate(args.values['node-exec']);
  // The context must exist before anything starts (the suites would fail one by one otherwise).
  // Imported only when needed: the Kubernetes client and the doctor take about 0.4 s to load.
  if (attach) (await import('../clusters/attach/provider.ts')).attachAccess({ context: attach, ...(process.env.KUBECONFIG ? { kubeconfig: process.env.KUBECONFIG } : {}) });
  const allowDisruptive = args.flags.has(ALLOW_DISRUPTIVE_FLAG);
  if (allowDisruptive && !attach) throw new Error(`--${ALLOW_DISRUPTIVE_FLAG} goes with --attach (on clusters the harness builds, the negative controls always run)`);
  if (profile.provider === 'lab') await assertLabCanRun();
  let kindVerdict: Record<string, string> = {};
  if (profile.provider === 'kind' && !attach) {
    const { formatFindings, problem, runDoctor, stopping } = await import('../clusters/doctor/index.ts');
    const { encodeVerdict, KIND_VERDICT_ENV, kindUnavailable } = await import('../clusters/kind/detect.ts');
    kindVerdict = await kindPreflight(profile.name, {
      doctor: () => runDoctor({ registry: false }), detect: () => kindUnavailable(), encode: encodeVerdict, verdictEnv: KIND_VERDICT_ENV,
      format: formatFindings, stopping, problem, warn: (text) => console.error(text),
    });
  }
  const file = `suites/${profile.provider}/${profile.name}.${profile.provider}.test.ts`;
  if (!existsSync(file)) throw new Error(`profile "${profile.name}": its suite file ${file} is missing`);
  const runEnv = {
    ...(behaviours.length ? { BEHAVIOURS: behaviours.join(',') } : {}),
    ...(args.flags.has('keep') ? { KEEP: '1' } : {}),
    // Set either way: an attach context or opt-in left in the shell's environment must not reach the suites unasked.
    CNI_CONFORMANCE_ATTACH: attach ?? '',
    [ALLOW_DISRUPTIVE_ENV]: attach && allowDisruptive ? '1' : '0',
    ...(attach ? { KIND_REQUIRED: '0' } : {}),
    ...kindVerdict,
    ...(args.values['node-exec'] ? { CNI_CONFORMANCE_NODE_EXEC: args.values['node-exec'] } : {}),
    // Asked for by name: a kind profile that cannot run fails fast with what is missing.
    ...(profile.provider === 'kind' && !attach ? { KIND_REQUIRED: '1' } : {}),
    // One lab profile: its tests share two clusters of it (suites/lanes.ts); the environment may say otherwise.
    ...(profile.provider === 'lab' ? { CNI_CONFORMANCE_LAB_LANES: process.env.CNI_CONFORMANCE_LAB_LANES || '2' } : {}),
  };
  // Before anything touches an attached cluster: what its negative controls would do, and whether they will.
  const notice = attachNotice(controlListing(behaviours.length ? behaviours : profile.behaviours, behaviour), runEnv);
  if (notice) console.error(notice);

  // Loaded while the suite runs (about 0.2 s), used after it.
  const report = args.flags.has('no-report') ? undefined : import('../reports/build-report.ts');
  // vitest's own bin under this node (npx would cost a resolution of its own first).
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  // vitest cleans up on the first signal this process gets (runForwardingSignal), and we wait for it to finish.
  const run = await runForwardingSignal(process.execPath, [vitest, 'run', '--project', profile.provider, file], runEnv);
  if (report) await (await report).buildReport();
  return run.exitCode;
}

main().then((code) => process.exit(code), (error: Error) => {
  console.error(`cni-conformance: ${error.message}\n${USAGE}`);
  process.exit(2);
});
