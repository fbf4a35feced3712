/** npm run plan -- <profile> [--out DIR] [--run-id ID]: render what a kind profile would apply, check it against upstream. */
import { resolve } from 'node:path';
import { buildPlan } from '../clusters/kind/plan.ts';
import { writePlan } from '../clusters/kind/plan-write.ts';
import { loadKindProfile, ProfileError } from '../clusters/kind/profiles.ts';
import { validatePlan, validationUnavailable } from '../clusters/kind/validate/index.ts';

function parseArgs(argv: string[]): { profile?: string; out?: string; runId: string; problems: string[] } {
  const problems: string[] = [];
  let profile: string | undefined;
  let out: string | undefined;
  let runId = 'plan';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out' || arg === '--run-id') {
      const value = argv[++i];
      if (!value) problems.push(`option ${arg}: needs a value`);
      else if (arg === '--out') out = value;
      else runId = value;
    } else if (arg.startsWith('-')) problems.push(`option "${arg}": unknown; usage: npm run plan -- <profile> [--out DIR] [--run-id ID]`);
    else if (profile) problems.push(`argument "${arg}": only one profile per plan (got "${profile}" already)`);
    else profile = arg;
  }
  if (!profile) problems.push('missing profile name; usage: npm run plan -- <profile> [--out DIR]');
  return { profile, out, runId, problems };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.problems.length > 0 || !args.profile) {
    console.error(`plan: ${args.problems.join('\n  ')}`);
    return 2;
  }
  const profile = loadKindProfile(args.profile);
  const dir = resolve(args.out ?? `plans/${profile.name}`);
  const plan = buildPlan(profile, { runId: args.runId, dir });
  const unavailable = validationUnavailable();
  const problems = unavailable ? [] : validatePlan(plan, profile);
  const written = await writePlan(plan, dir);
  console.log(`plan ${profile.name}: ${plan.clusters.length} cluster(s) ${plan.clusters.join(', ')}; ${plan.commands.length} commands; proves ${profile.behaviours.join(', ')}`);
  console.log(`  wrote ${written.length} files to ${dir}: ${written.join(', ')}`);
  console.log(unavailable ? `  upstream validation skipped: ${unavailable}` : `  validated against ../shared/upstream: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}`);
  for (const problem of problems) console.error(`  - ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(error instanceof ProfileError ? error.message : error);
  process.exitCode = 2;
});
